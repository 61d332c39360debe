using System.Globalization;
using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Cli;

/// <summary>Input data files: NumPy <c>.npy</c>, JSON nested arrays, or CSV rows of numbers (one sample per row).</summary>
internal static class DataFiles
{
    public static Tensor Read(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".npy" => NumPy.Load(path),
            ".json" => FromJson(JsonNode.Parse(File.ReadAllText(path)), path),
            ".csv" => FromCsv(path),
            _ => throw new KerasFormatException($"{Path.GetFileName(path)}: input data must be .npy, .json or .csv."),
        };
    }

    private static Tensor FromJson(JsonNode? node, string path)
    {
        var shape = new List<long>();
        for (var cursor = node; cursor is JsonArray array; cursor = array.Count > 0 ? array[0] : null) shape.Add(array.Count);
        var values = new List<float>();
        void Collect(JsonNode? n, int depth)
        {
            if (n is JsonArray array)
            {
                if (depth >= shape.Count || array.Count != shape[depth])
                    throw new KerasFormatException($"{Path.GetFileName(path)}: the JSON arrays are ragged (expected {shape[Math.Min(depth, shape.Count - 1)]} entries at depth {depth}).");
                foreach (var item in array) Collect(item, depth + 1);
            }
            else if (n is JsonValue value && value.TryGetValue(out double number) && depth == shape.Count) values.Add((float)number);
            else throw new KerasFormatException($"{Path.GetFileName(path)}: expected numbers in nested arrays, found {n?.ToJsonString() ?? "null"}.");
        }
        Collect(node, 0);
        return Tensor.From(values.ToArray(), shape.ToArray());
    }

    private static Tensor FromCsv(string path)
    {
        var rows = File.ReadAllLines(path).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(',').Select(v => float.Parse(v.Trim(), CultureInfo.InvariantCulture)).ToArray()).ToArray();
        if (rows.Length == 0 || rows.Any(r => r.Length != rows[0].Length))
            throw new KerasFormatException($"{Path.GetFileName(path)}: every CSV row must hold the same number of values.");
        return Tensor.From(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
    }
}
