using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// TensorFlow.js layers models: <c>model.json</c> (its <c>modelTopology</c> is a Keras config) and the binary shards of
/// <c>weightsManifest</c>, concatenated in order, with optional uint8/uint16/float16 quantization. Weights are named
/// <c>layer_name/weight</c> and taken layer by layer. Written as the TF.js converter writes a Keras model: the Keras 2
/// config under <c>modelTopology.model_config</c> and one float32 shard beside <c>model.json</c>.
/// </summary>
internal static class TfJsModel
{
    /// <summary>The format's adapter: JSON objects (model.json), <c>.json</c> names.</summary>
    public static readonly ModelFormat Format = new Adapter();

    private sealed class Adapter : ModelFormat
    {
        public override string Name => "TF.js model.json";

        protected override bool Recognizes(ReadOnlySpan<byte> head, string path)
        {
            var text = head.TrimStart(" \t\r\n"u8);
            if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];   // a UTF-8 byte order mark
            return text.Length > 0 && text[0] == (byte)'{';
        }

        protected override bool IsNamedBy(string path) => EndsWith(path, ".json");

        protected override bool SavesTo(string path) => EndsWith(path, ".json");

        public override ModelFile ReadModel(string path, bool withTrainingConfig = false) => new(KerasFiles.Guard(Path.GetFileName(path), () => Read(path)));

        public override void Save(Model model, string path)
        {
            ModelConfig.EnsureExpressible(model, ConfigFormat.Keras2, "TF.js model.json");
            EnsureExpressible(model);
            Write(model, path);
        }
    }

    /// <summary>The shard written beside <paramref name="jsonPath"/>: <c>model.json</c> → <c>model.weights.bin</c>.</summary>
    internal static string ShardName(string jsonPath) => Path.GetFileNameWithoutExtension(jsonPath) + ".weights.bin";

    /// <summary>
    /// TF.js reads hard_sigmoid with Keras 2's meaning (and reads every file so, whatever its keras_version): a model using
    /// Keras 3's hard sigmoid cannot be written without changing what it computes.
    /// </summary>
    public static void EnsureExpressible(Model model)
    {
        var layers = ModelConfig.SavedObjects(model).Where(o => ReferenceEquals(o.Object, Activations.ActivationFunction.HardSigmoid))
            .Select(o => $"layer '{o.Layer.Name}' ({o.Layer.ClassName})").Distinct().ToArray();
        if (layers.Length > 0)
            throw new NotSupportedException(
                $"Model \"{model.Name}\" cannot be saved as TF.js model.json: {string.Join(", ", layers)} use{(layers.Length == 1 ? "s" : "")} Keras 3's hard_sigmoid " +
                "(relu6(x + 3) / 6), which TF.js reads as Keras 2's clip(0.2x + 0.5, 0, 1); save it as .keras to keep its meaning.");
    }

    /// <summary>Writes <c>model.json</c> and its shard, each atomically; the shard first, so a reader never meets a manifest without its bytes.</summary>
    public static void Write(Model model, string path)
    {
        var entries = new JsonArray();
        using var shard = new MemoryStream();
        foreach (var owner in model.Layers.SelectMany(WeightOwners).Distinct())
        {
            foreach (var variable in LegacyH5File.LegacyWeights(owner))
            {
                using var scope = Ops.NewScope();
                bool integer = variable.DType is DType.Int32 or DType.Int64;
                // TF.js names a weight by its owner; the rest of the path (forward_lstm/kernel) is what Keras calls it.
                string suffix = variable.Path.Contains('/') ? variable.Path[(variable.Path.IndexOf('/') + 1)..] : variable.Path;
                entries.Add(new JsonObject
                {
                    ["name"] = $"{owner.Name}/{suffix}",
                    ["shape"] = new JsonArray(variable.Shape.Select(d => (JsonNode)d!.Value).ToArray()),
                    ["dtype"] = integer ? "int32" : "float32",
                });
                var flat = variable.KerasValue.Native.contiguous();
                // The shard is little-endian, as this machine's memory (TF.js reads it through typed arrays).
                if (integer)
                    shard.Write(MemoryMarshal.AsBytes(flat.to_type(TorchSharp.torch.ScalarType.Int32).data<int>().ToArray().AsSpan()));
                else
                    shard.Write(MemoryMarshal.AsBytes(flat.to_type(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray().AsSpan()));
            }
        }
        string shardName = ShardName(path);
        var json = new JsonObject
        {
            ["format"] = "layers-model",
            ["generatedBy"] = "TfFunctional",
            ["convertedBy"] = null,
            ["modelTopology"] = new JsonObject
            {
                ["keras_version"] = LegacyH5File.VersionFor(model),
                ["backend"] = "tensorflow",
                ["model_config"] = ModelConfig.Serialize(model, ConfigFormat.Keras2),
            },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray(shardName), ["weights"] = entries }),
        };
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        AtomicFile.Write(Path.Combine(folder, shardName), stream => shard.WriteTo(stream));
        AtomicFile.Write(path, stream =>
        {
            using var writer = new System.Text.Json.Utf8JsonWriter(stream);
            json.WriteTo(writer);
        });
    }

    public static Model Read(string path)
    {
        string fileName = Path.GetFileName(path);
        var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new KerasFormatException($"{fileName} is not a JSON object.");
        var topology = json["modelTopology"] as JsonObject ?? throw new KerasFormatException($"{fileName} has no modelTopology: it is not a TF.js layers model.");
        var config = topology["model_config"] as JsonObject ?? topology;
        string version = topology["keras_version"]?.GetValue<string>() ?? "tfjs";
        var options = new LoadOptions(version, topology["backend"]?.GetValue<string>() ?? "tensor_flow.js", TfJs: true);

        var manifest = json["weightsManifest"] as JsonArray ?? throw new KerasFormatException($"{fileName} has no weightsManifest.");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var weights = new List<(string Name, Shape Shape, WeightValue Value)>();
        long totalValues = 0;
        foreach (var group in manifest.OfType<JsonObject>())
        {
            // The manifest says how many bytes each group's shards hold; only those bytes are read, from files inside
            // the model's own folder, each weight's when it is assigned (straight into its variable).
            var entries = (group["weights"] as JsonArray ?? throw new KerasFormatException($"{fileName}: a weightsManifest group has no 'weights' list."))
                .OfType<JsonObject>().Select(entry => ManifestEntry(entry, fileName)).ToArray();
            long needed = entries.Sum(e => e.Bytes);
            var shardPaths = (group["paths"] as JsonArray ?? throw new KerasFormatException($"{fileName}: a weightsManifest group has no 'paths' list."))
                .Select(shard => ShardPath(folder, shard, fileName)).ToArray();
            var shards = new ShardSequence(shardPaths, fileName);
            if (shards.Length < needed)
                throw new KerasFormatException($"{fileName}: the weight shards {string.Join(", ", shardPaths.Select(Path.GetFileName))} hold {shards.Length} bytes, but the manifest's weights need {needed}.");
            if (Layer.WeightBytesLimit is long limit && needed > limit)
                throw new KerasFormatException($"{fileName}: {Layer.OverLimit(needed, limit)}.");
            long offset = 0;
            foreach (var spec in entries)
            {
                long start = offset;
                weights.Add((spec.Name, spec.Shape, WeightValue.Deferred(spec.Shape, (target, first, count) => Decode(shards, start, spec, target, first, count))));
                offset += spec.Bytes;
                totalValues += spec.Count;
            }
        }

        var model = Layer.WithoutInitializers(() => ModelLoader.Load(config, options), totalValues);
        var assignment = new WeightAssignment(fileName);
        // TF.js names a weight by the layer that owns it: a wrapper's own name for TimeDistributed and Bidirectional
        // (per_step/kernel, bi/forward_lstm/kernel), but the inner layers' names inside a nested model (vision_dense/kernel,
        // listed again for every call of a shared model).
        var byOwner = weights.GroupBy(w => w.Name.Split('/')[0]).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var owner in model.Layers.SelectMany(WeightOwners).Distinct())
        {
            var variables = LegacyH5File.LegacyWeights(owner);
            if (variables.Count == 0) continue;
            var stored = byOwner.GetValueOrDefault(owner.Name, []);
            if (stored.Length < variables.Count)
            {
                assignment.Problem($"layer '{owner.Name}' expects {variables.Count} weights, the manifest has {stored.Length} named '{owner.Name}/…'");
                continue;
            }
            for (int i = 0; i < variables.Count; i++)
            {
                if (stored[i].Shape != variables[i].Shape)
                    assignment.Problem($"weight '{variables[i].Path}' has shape {variables[i].Shape}, but '{stored[i].Name}' has shape {stored[i].Shape}");
                else
                    assignment.Add(variables[i], stored[i].Value);
            }
        }
        try
        {
            assignment.Apply(modelIsNew: true);
        }
        catch
        {
            model.Dispose();   // a model the file half-filled is nobody's
            throw;
        }
        return model;
    }

    /// <summary>The layers TF.js names weights after: a nested model's (and a wrapped model's) own layers, any other layer itself.</summary>
    private static IEnumerable<Layer> WeightOwners(Layer layer) => layer switch
    {
        Model nested => nested.Layers.SelectMany(WeightOwners),
        TimeDistributed { Layer: Model wrapped } => WeightOwners(wrapped),
        _ => [layer],
    };

    /// <summary>One weight of the manifest: its name, shape, value count, stored dtype (quantized or not) and byte width.</summary>
    private sealed record WeightSpec(JsonObject Entry, string Name, Shape Shape, int Count, string DType, int Width)
    {
        public long Bytes => (long)Count * Width;
    }

    private static WeightSpec ManifestEntry(JsonObject entry, string fileName)
    {
        string name = entry["name"] is JsonValue n && n.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>()
            : throw new KerasFormatException($"{fileName}: a weightsManifest entry has no name: {entry.ToJsonString()}");
        var dims = (entry["shape"] as JsonArray ?? throw new KerasFormatException($"{fileName}: weightsManifest entry '{name}' has no shape."))
            .Select(d => d is JsonValue v && v.TryGetValue(out int size) && size >= 0 ? size
                : throw new KerasFormatException($"{fileName}: weightsManifest entry '{name}' has a malformed shape {entry["shape"]!.ToJsonString()}.")).ToArray();
        long count = dims.Aggregate(1L, (p, d) => p * d > int.MaxValue ? int.MaxValue + 1L : p * d);
        if (count > int.MaxValue) throw new KerasFormatException($"{fileName}: weightsManifest entry '{name}' has {entry["shape"]!.ToJsonString()}, too many values for one weight.");
        var quantization = entry["quantization"] as JsonObject;
        string dtype = quantization?["dtype"]?.GetValue<string>() ?? entry["dtype"]?.GetValue<string>() ?? "float32";
        int width = dtype switch { "float32" or "int32" => 4, "uint16" or "float16" => 2, "uint8" => 1, _ => 0 };
        if (width == 0) throw new KerasFormatException($"{fileName}: weight '{name}' has unsupported dtype '{dtype}'.");
        return new WeightSpec(entry, name, new Shape(dims.Select(d => (int?)d).ToArray()), (int)count, dtype, width);
    }

    /// <summary>A shard path from the manifest: a relative path to a regular file inside the model's folder, nothing else.</summary>
    private static string ShardPath(string folder, JsonNode? shard, string fileName)
    {
        string relative = shard is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>()
            : throw new KerasFormatException($"{fileName}: a weight shard path is not a string: {shard?.ToJsonString() ?? "null"}.");
        string full = Path.GetFullPath(Path.Combine(folder, relative));
        string root = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(relative) || !full.StartsWith(root, StringComparison.Ordinal))
            throw new KerasFormatException($"{fileName}: weight shard '{relative}' is outside the model's folder; a model may only read its own shards.");
        var info = new FileInfo(full);
        if (!info.Exists) throw new KerasFormatException($"{fileName}: weight shard '{relative}' is missing.");
        // A link may point anywhere (a device, a file elsewhere): follow it and check where it lands.
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !Path.GetFullPath(target.FullName).StartsWith(root, StringComparison.Ordinal))
                throw new KerasFormatException($"{fileName}: weight shard '{relative}' links outside the model's folder.");
            info = new FileInfo(target.FullName);
        }
        // A device or pipe reports no length, so the size check of the caller refuses it before any read.
        return info.FullName;
    }

    /// <summary>
    /// Rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> of a weight stored at byte
    /// <paramref name="offset"/> of its group's shards, as floats into <paramref name="target"/>: float32 bytes are read
    /// into the target itself, other dtypes (and quantized weights) through a small buffer.
    /// </summary>
    private static void Decode(ShardSequence shards, long offset, WeightSpec spec, Memory<float> target, int first, int count)
    {
        int rows = spec.Shape.Rank == 0 ? 1 : spec.Shape[0]!.Value;
        long rowSize = spec.Count / Math.Max(1, rows);
        long firstValue = first * rowSize;
        int values = (int)(count * rowSize);
        var (quantization, width) = (spec.Entry["quantization"] as JsonObject, spec.Width);
        if (spec.DType == "float32" && quantization is null && BitConverter.IsLittleEndian)
        {
            shards.Read(offset + firstValue * 4, System.Runtime.InteropServices.MemoryMarshal.AsBytes(target.Span[..values]));
            return;
        }
        double scale = quantization?["scale"]?.GetValue<double>() ?? 1, min = quantization?["min"]?.GetValue<double>() ?? 0;
        var chunk = new byte[Math.Min(values, 1 << 16) * width];
        for (int done = 0; done < values;)
        {
            int n = Math.Min(values - done, chunk.Length / width);
            shards.Read(offset + (firstValue + done) * width, chunk.AsSpan(0, n * width));
            var span = target.Span;
            for (int i = 0; i < n; i++)
            {
                int at = i * width;
                span[done + i] = spec.DType switch
                {
                    "float32" => BitConverter.ToSingle(chunk, at),
                    "int32" => BitConverter.ToInt32(chunk, at),
                    "float16" => (float)BitConverter.ToHalf(chunk, at),
                    "uint16" => (float)(BitConverter.ToUInt16(chunk, at) * scale + min),
                    _ => (float)(chunk[at] * scale + min),
                };
            }
            done += n;
        }
    }

    /// <summary>A manifest group's shard files read as one sequence of bytes, a piece at a time.</summary>
    private sealed class ShardSequence(string[] paths, string fileName)
    {
        private readonly long[] _lengths = paths.Select(p => new FileInfo(p).Length).ToArray();

        /// <summary>The bytes the shards hold.</summary>
        public long Length => _lengths.Sum();

        /// <summary>Fills <paramref name="target"/> from byte <paramref name="offset"/> on, across shard boundaries.</summary>
        /// <exception cref="KerasFormatException">A shard ended early (it changed since it was listed).</exception>
        public void Read(long offset, Span<byte> target)
        {
            int shard = 0;
            while (shard < _lengths.Length && offset >= _lengths[shard]) offset -= _lengths[shard++];
            while (target.Length > 0)
            {
                if (shard >= paths.Length)
                    throw new KerasFormatException($"{fileName}: the weight shards ended before the manifest's weights did.");
                using var stream = File.OpenRead(paths[shard]);
                stream.Position = offset;
                int wanted = (int)Math.Min(target.Length, _lengths[shard] - offset);
                int read = stream.ReadAtLeast(target[..wanted], wanted, throwOnEndOfStream: false);
                if (read < wanted)
                    throw new KerasFormatException($"{fileName}: weight shard {Path.GetFileName(paths[shard])} ended after {offset + read} bytes, but the manifest places weights past it.");
                target = target[read..];
                offset = 0;
                shard++;
            }
        }
    }
}
