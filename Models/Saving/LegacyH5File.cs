using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// The legacy HDF5 format of Keras 2 / tf.keras: root attributes <c>keras_version</c>, <c>backend</c>,
/// <c>model_config</c>; group <c>model_weights</c> with <c>layer_names</c>, one group per layer with
/// <c>weight_names</c>; weights loaded by position over the layers that have weights (or by name).
/// </summary>
internal static class LegacyH5File
{
    /// <summary>The format's adapter: HDF5 files with Keras 2's attributes, models or weights alone.</summary>
    public static readonly ModelFormat Format = new Adapter();

    private sealed class Adapter : ModelFormat
    {
        public override string Name => ".h5";

        protected override bool Recognizes(ReadOnlySpan<byte> head, string path) => IsHdf5(head);

        protected override bool IsNamedBy(string path) => EndsWith(path, ".h5", ".hdf5");

        protected override bool SavesTo(string path) => EndsWith(path, ".h5", ".hdf5");

        protected override bool SavesWeightsTo(string path) => EndsWith(path, ".h5", ".hdf5");

        public override ModelFile ReadModel(string path, bool withTrainingConfig = false)
        {
            string fileName = Path.GetFileName(path);
            using var file = KerasFiles.OpenHdf5(path);
            return KerasFiles.Guard(fileName, () =>
            {
                var (config, options) = ReadHeader(file);
                if (config is null)
                    throw new KerasFormatException($"{fileName} holds no model_config attribute: it is a weights file. Build the model, then call LoadWeights.");
                var group = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
                // The file's weights replace every initial value (a missing one is an error), so none is drawn at random.
                var model = Layer.WithoutInitializers(() => ModelLoader.Load(config, options), H5Values.CountElements(group));
                try
                {
                    ReadWeights(model, group, options, fileName, byName: false, skipMismatch: false, modelIsNew: true);
                    return new ModelFile(model, withTrainingConfig ? ReadStringAttribute(file, "training_config") : null);
                }
                catch
                {
                    model.Dispose();   // a model the file half-filled is nobody's
                    throw;
                }
            });
        }

        public override void LoadWeights(Model model, string path, bool byName, bool skipMismatch)
        {
            string fileName = Path.GetFileName(path);
            using var file = KerasFiles.OpenHdf5(path);
            var (_, options) = ReadHeader(file);
            var group = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
            KerasFiles.Guard(fileName, () => ReadWeights(model, group, options, fileName, byName, skipMismatch, modelIsNew: false));
        }

        public override void Save(Model model, string path)
        {
            ModelConfig.EnsureExpressible(model, ConfigFormat.Keras2, ".h5");
            VersionFor(model);
            AtomicFile.Write(path, stream => WriteModel(model, stream));
        }

        public override void SaveWeights(Model model, string path) => AtomicFile.Write(path, stream => WriteWeights(model, stream));
    }

    /// <summary>The Keras version we write: configs follow Keras 2's keys, activations Keras 3's meaning.</summary>
    public const string WrittenKerasVersion = "3.6.0";

    /// <summary>
    /// The version to record: Keras 2's when the model uses Keras 2's hard_sigmoid (a file loaded from Keras 2), so that
    /// every reader keeps its meaning; Keras 3's otherwise. A model mixing both meanings cannot be written.
    /// </summary>
    internal static string VersionFor(Model model)
    {
        var activations = ModelConfig.SavedObjects(model).Select(o => o.Object).OfType<Activations.ActivationFunction>().ToArray();
        bool legacy = activations.Any(a => ReferenceEquals(a, Activations.ActivationFunction.HardSigmoidLegacy));
        bool modern = activations.Any(a => ReferenceEquals(a, Activations.ActivationFunction.HardSigmoid));
        if (legacy && modern)
            throw new NotSupportedException(
                $"Model \"{model.Name}\" uses both Keras 2's and Keras 3's hard_sigmoid; no Keras file can record both meanings.");
        return legacy ? "2.15.0" : WrittenKerasVersion;
    }

    public static void WriteModel(Model model, Stream stream)
    {
        var root = new H5File
        {
            Attributes = new()
            {
                ["keras_version"] = VersionFor(model),
                ["backend"] = "tensorflow",
                ["model_config"] = ModelConfig.Serialize(model, ConfigFormat.Keras2).ToJsonString(),
            },
            ["model_weights"] = WeightsGroup(model),
        };
        if (CompileConfig.Serialize(model, ConfigFormat.Keras2) is { } trainingConfig)
            root.Attributes["training_config"] = trainingConfig.ToJsonString();
        root.Write(stream);
    }

    public static void WriteWeights(Model model, Stream stream)
    {
        var group = WeightsGroup(model);
        var root = new H5File { Attributes = group.Attributes };
        foreach (var (name, child) in group) root[name] = child;
        root.Write(stream);
    }

    private static H5Group WeightsGroup(Model model)
    {
        var layers = model.Layers;
        var group = new H5Group
        {
            Attributes = new()
            {
                ["layer_names"] = layers.Select(l => l.Name).ToArray(),
                ["backend"] = "tensorflow",
                ["keras_version"] = VersionFor(model),
            },
        };
        foreach (var layer in layers)
        {
            var weights = LegacyWeights(layer);
            // The generic attribute keeps the string type even when the list is empty (an input layer's).
            var layerGroup = new H5Group { Attributes = new() { ["weight_names"] = new H5Attribute<string[]>(weights.Select(w => w.Path + ":0").ToArray()) } };
            foreach (var weight in weights)
            {
                // "dense/kernel:0" is stored as the dataset kernel:0 inside the subgroup dense.
                var parts = (weight.Path + ":0").Split('/');
                var target = layerGroup;
                foreach (var part in parts[..^1])
                {
                    if (!target.TryGetValue(part, out var child)) target[part] = child = new H5Group();
                    target = (H5Group)child;
                }
                target[parts[^1]] = KerasWeightsFile.ToArray(weight);
            }
            group[layer.Name] = layerGroup;
        }
        return group;
    }

    /// <summary>Keras 2's <c>_legacy_weights</c>: trainable weights, then non-trainable ones.</summary>
    internal static IReadOnlyList<Variable> LegacyWeights(Layer layer) =>
        layer.TrainableWeights.Concat(layer.NonTrainableWeights).Distinct().ToArray();

    /// <summary>The model config and how to read the file: no keras_version attribute means Keras 1.</summary>
    public static (JsonObject? Config, LoadOptions Options) ReadHeader(IH5Object root)
    {
        string version = ReadStringAttribute(root, "keras_version") ?? "1";
        string backend = ReadStringAttribute(root, "backend") ?? "tensorflow";
        var options = new LoadOptions(version, backend);
        string? config = ReadStringAttribute(root, "model_config");
        return (config is null ? null : JsonNode.Parse(config) as JsonObject, options);
    }

    /// <summary>
    /// Sets the model's weights from a legacy weights group (<c>model_weights</c> or the root of a weights file), all or
    /// none (<see cref="WeightAssignment"/>; <paramref name="modelIsNew"/>: the model was made from this file).
    /// </summary>
    public static void ReadWeights(Model model, IH5Group group, LoadOptions options, string fileName, bool byName, bool skipMismatch, bool modelIsNew)
    {
        var fileLayers = ReadStrings(group, "layer_names")
            ?? throw new KerasFormatException($"{fileName}: the weights group has no 'layer_names' attribute.");
        var stored = new List<(string Name, IH5Group Group, string[] WeightNames)>();
        foreach (string name in fileLayers)
        {
            if (!group.LinkExists(name)) throw new KerasFormatException($"{fileName}: layer_names lists '{name}', but there is no group '{name}'.");
            var layerGroup = group.Group(name);
            var weightNames = ReadStrings(layerGroup, "weight_names") ?? [];
            if (weightNames.Length > 0) stored.Add((name, layerGroup, weightNames));
        }
        var layers = model.Layers.Where(l => LegacyWeights(l).Count > 0).ToArray();
        var pairs = new List<(Layer Layer, IH5Group Group, string[] WeightNames)>();
        if (byName)
        {
            foreach (var layer in layers)
            {
                var match = stored.FirstOrDefault(s => s.Name == layer.Name);
                if (match.Group is not null) pairs.Add((layer, match.Group, match.WeightNames));
            }
        }
        else
        {
            if (stored.Count != layers.Length)
                throw new KerasFormatException(
                    $"{fileName}: you are trying to load a weight file containing {stored.Count} layers with weights ({string.Join(", ", stored.Select(s => s.Name))}) " +
                    $"into a model with {layers.Length} layers with weights ({string.Join(", ", layers.Select(l => l.Name))}).");
            for (int i = 0; i < layers.Length; i++) pairs.Add((layers[i], stored[i].Group, stored[i].WeightNames));
        }

        var assignment = new WeightAssignment(fileName);
        foreach (var (layer, layerGroup, weightNames) in pairs)
        {
            var variables = LegacyWeights(layer);
            var datasets = weightNames.Select(w => layerGroup.LinkExists(w)
                ? layerGroup.Dataset(w)
                : throw new KerasFormatException($"{fileName}: layer '{layer.Name}' lists weight '{w}', which the file does not hold.")).ToArray();
            // Sizes are checked before anything is read (the legacy conversions below regroup values but keep their number).
            long held = datasets.Sum(d => d.Space.Dimensions.Aggregate(1UL, (p, n) => checked(p * n)) is var size && size <= long.MaxValue ? (long)size : long.MaxValue);
            long expected = variables.Sum(v => v.Shape.Size ?? 0);
            if (held != expected)
            {
                if (skipMismatch) continue;
                assignment.Problem($"layer '{layer.Name}' ({layer.ClassName}) holds {expected} weight values, but the file's weights {string.Join(", ", weightNames)} hold {held}");
                continue;
            }
            // Values are read only by a conversion that regroups them, or straight into their variables at the end.
            var values = datasets.Select((d, i) => H5Values.Deferred(d, $"{layer.Name}/{weightNames[i]}")).ToList();
            values = LegacyConversions.Apply(layer, values, options);
            if (values.Count != variables.Count)
            {
                string message = $"layer '{layer.Name}' ({layer.ClassName}) expects {variables.Count} weights, but the file holds {values.Count} ({string.Join(", ", weightNames)})";
                if (skipMismatch) continue;
                assignment.Problem(message);
                continue;
            }
            for (int i = 0; i < variables.Count; i++)
            {
                if (values[i].Shape != variables[i].Shape)
                {
                    if (skipMismatch) continue;
                    assignment.Problem($"layer '{layer.Name}' weight '{variables[i].Path}' has shape {variables[i].Shape}, but '{weightNames[Math.Min(i, weightNames.Length - 1)]}' in the file has shape {values[i].Shape}");
                    continue;
                }
                assignment.Add(variables[i], values[i]);
            }
        }
        assignment.Apply(modelIsNew);
    }

    internal static string? ReadStringAttribute(IH5Object obj, string name)
    {
        if (!obj.AttributeExists(name)) return null;
        var attribute = obj.Attribute(name);
        return attribute.Space.Dimensions.Length == 0 ? attribute.Read<string>() : attribute.Read<string[]>().FirstOrDefault();
    }

    /// <summary>A string-list attribute, joined from Keras's chunks (<c>layer_names0</c>, <c>layer_names1</c>, …) when split.</summary>
    internal static string[]? ReadStrings(IH5Object obj, string name)
    {
        if (obj.AttributeExists(name)) return ReadArray(obj.Attribute(name));
        if (!obj.AttributeExists(name + "0")) return null;
        var all = new List<string>();
        for (int chunk = 0; obj.AttributeExists($"{name}{chunk}"); chunk++) all.AddRange(ReadArray(obj.Attribute($"{name}{chunk}")));
        return all.ToArray();
    }

    private static string[] ReadArray(IH5Attribute attribute) =>
        attribute.Space.Dimensions.Length == 0 ? [attribute.Read<string>()]
        : attribute.Space.Dimensions[0] == 0 ? [] : attribute.Read<string[]>();
}
