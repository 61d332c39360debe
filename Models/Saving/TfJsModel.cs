using System.Text.Json.Nodes;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// TensorFlow.js layers models: <c>model.json</c> (its <c>modelTopology</c> is a Keras config) and the binary shards of
/// <c>weightsManifest</c>, concatenated in order, with optional uint8/uint16/float16 quantization. Weights are named
/// <c>layer_name/weight</c> and taken layer by layer.
/// </summary>
internal static class TfJsModel
{
    public static Model Read(string path)
    {
        string fileName = Path.GetFileName(path);
        var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new KerasFormatException($"{fileName} is not a JSON object.");
        var topology = json["modelTopology"] as JsonObject ?? throw new KerasFormatException($"{fileName} has no modelTopology: it is not a TF.js layers model.");
        var config = topology["model_config"] as JsonObject ?? topology;
        string version = topology["keras_version"]?.GetValue<string>() ?? "tfjs";
        var options = new LoadOptions(version, topology["backend"]?.GetValue<string>() ?? "tensor_flow.js", TfJs: true);
        var model = Layer.WithoutInitializers(() => ModelLoader.Load(config, options));

        var manifest = json["weightsManifest"] as JsonArray ?? throw new KerasFormatException($"{fileName} has no weightsManifest.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var weights = new List<(string Name, Shape Shape, float[] Values)>();
        foreach (var group in manifest.OfType<JsonObject>())
        {
            using var buffer = new MemoryStream();
            foreach (var shard in group["paths"]!.AsArray())
            {
                string shardPath = Path.Combine(folder, shard!.GetValue<string>());
                if (!File.Exists(shardPath)) throw new KerasFormatException($"{fileName}: weight shard '{shard}' is missing.");
                using var stream = File.OpenRead(shardPath);
                stream.CopyTo(buffer);
            }
            var bytes = buffer.ToArray();
            int offset = 0;
            foreach (var entry in group["weights"]!.AsArray().OfType<JsonObject>())
            {
                string name = entry["name"]!.GetValue<string>();
                var shape = new Shape(entry["shape"]!.AsArray().Select(d => (int?)d!.GetValue<int>()).ToArray());
                int count = (int)(shape.Size ?? 0);
                var values = Decode(bytes, ref offset, count, entry, fileName, name);
                weights.Add((name, shape, values));
            }
        }

        var problems = new List<string>();
        foreach (var layer in model.Layers)
        {
            var variables = LegacyH5File.LegacyWeights(layer);
            if (variables.Count == 0) continue;
            var stored = weights.Where(w => w.Name.StartsWith(layer.Name + "/", StringComparison.Ordinal)).ToArray();
            if (stored.Length != variables.Count)
            {
                problems.Add($"layer '{layer.Name}' expects {variables.Count} weights, the manifest has {stored.Length}");
                continue;
            }
            for (int i = 0; i < variables.Count; i++)
            {
                if (stored[i].Shape != variables[i].Shape)
                    problems.Add($"weight '{variables[i].Path}' has shape {variables[i].Shape}, but '{stored[i].Name}' has shape {stored[i].Shape}");
                else
                    variables[i].Assign(stored[i].Values);
            }
        }
        if (problems.Count > 0) throw new KerasFormatException($"{fileName}: the weights do not fit the model: {string.Join("; ", problems)}.");
        return model;
    }

    private static float[] Decode(byte[] bytes, ref int offset, int count, JsonObject entry, string fileName, string name)
    {
        var quantization = entry["quantization"] as JsonObject;
        string dtype = quantization?["dtype"]?.GetValue<string>() ?? entry["dtype"]?.GetValue<string>() ?? "float32";
        int width = dtype switch { "float32" or "int32" => 4, "uint16" or "float16" => 2, "uint8" => 1, _ => 0 };
        if (width == 0) throw new KerasFormatException($"{fileName}: weight '{name}' has unsupported dtype '{dtype}'.");
        if (offset + count * width > bytes.Length)
            throw new KerasFormatException($"{fileName}: the weight shards end before weight '{name}' ({count} values of {dtype} at byte {offset}, {bytes.Length} bytes in all).");
        var values = new float[count];
        double scale = quantization?["scale"]?.GetValue<double>() ?? 1, min = quantization?["min"]?.GetValue<double>() ?? 0;
        for (int i = 0; i < count; i++)
        {
            int at = offset + i * width;
            values[i] = dtype switch
            {
                "float32" => BitConverter.ToSingle(bytes, at),
                "int32" => BitConverter.ToInt32(bytes, at),
                "float16" => (float)BitConverter.ToHalf(bytes, at),
                "uint16" => (float)(BitConverter.ToUInt16(bytes, at) * scale + min),
                _ => (float)(bytes[at] * scale + min),
            };
        }
        offset += count * width;
        return values;
    }
}
