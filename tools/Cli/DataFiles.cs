using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Cli;

/// <summary>
/// Input data files: NumPy <c>.npy</c>, JSON nested arrays, or CSV rows of numbers (one sample per row). A file that
/// cannot be read as data is an <see cref="InvalidDataException"/> naming the file and the place.
/// </summary>
internal static class DataFiles
{
    public static Tensor Read(string path)
    {
        string name = Path.GetFileName(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".npy" => FromNpy(path, name),
            ".json" => FromJson(ParseJson(path, name), name),
            ".csv" => FromCsv(path, name),
            _ => throw new InvalidDataException($"{name}: input data must be .npy, .json or .csv."),
        };
    }

    private static Tensor FromNpy(string path, string name)
    {
        try
        {
            return NumPy.Load(path);
        }
        catch (KerasFormatException e)
        {
            throw new InvalidDataException(e.Message.StartsWith(name, StringComparison.Ordinal) ? e.Message : $"{name}: {e.Message}", e);
        }
    }

    private static JsonNode? ParseJson(string path, string name)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}, line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: not valid JSON.", e);
        }
    }

    private static Tensor FromJson(JsonNode? node, string name)
    {
        var shape = new List<long>();
        for (var cursor = node; cursor is JsonArray array; cursor = array.Count > 0 ? array[0] : null) shape.Add(array.Count);
        var values = new List<float>();
        var position = new List<int>();
        string At() => position.Count == 0 ? "the top level" : $"[{string.Join("][", position)}]";
        void Collect(JsonNode? n, int depth)
        {
            if (n is JsonArray array)
            {
                if (depth >= shape.Count || array.Count != shape[depth])
                    throw new InvalidDataException($"{name}: the JSON arrays are ragged: {At()} holds {array.Count} entries, where {(depth < shape.Count ? shape[depth].ToString(CultureInfo.InvariantCulture) : "a number")} was expected.");
                for (int i = 0; i < array.Count; i++)
                {
                    position.Add(i);
                    Collect(array[i], depth + 1);
                    position.RemoveAt(position.Count - 1);
                }
            }
            else if (n is JsonValue value && value.TryGetValue(out double number) && depth == shape.Count) values.Add((float)number);
            else throw new InvalidDataException($"{name}: expected a number at {At()}, found {n?.ToJsonString() ?? "null"}.");
        }
        Collect(node, 0);
        return Tensor.From(values.ToArray(), shape.ToArray());
    }

    private static Tensor FromCsv(string path, string name)
    {
        var rows = new List<float[]>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (text.Trim().Length == 0) continue;
            var cells = text.Split(',');
            var row = new float[cells.Length];
            for (int c = 0; c < cells.Length; c++)
                if (!float.TryParse(cells[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]))
                    throw new InvalidDataException($"{name}, line {line}, column {c + 1}: '{cells[c].Trim()}' is not a number.");
            if (rows.Count > 0 && row.Length != rows[0].Length)
                throw new InvalidDataException($"{name}, line {line}: {row.Length} values, but the first row holds {rows[0].Length}; every row must hold the same number.");
            rows.Add(row);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{name}: no rows.");
        return Tensor.From(rows.SelectMany(r => r).ToArray(), rows.Count, rows[0].Length);
    }
}
