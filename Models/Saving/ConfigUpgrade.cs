using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Activations;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// The one upgrade step: rewrites a model config as any Keras wrote it (Keras 1 names, Keras 2 and Keras 3 object
/// forms, TF.js topologies, version-dependent meanings) into the canonical form that <c>GetConfig</c> writes and every
/// <c>FromConfig</c> reads: Keras 2/3 keys, plain dtype names, <c>{"class_name", "config"}</c> objects, and meanings
/// that travel with their objects (Keras 2's <c>hard_sigmoid</c> becomes <c>legacy_hard_sigmoid</c>; a GRU without
/// <c>reset_after</c> gets <c>false</c>). The model builder reads only that form. <see cref="ToKeras2"/> is its
/// mirror for the legacy <c>.h5</c> writer.
/// </summary>
internal static class ConfigUpgrade
{
    private static readonly Dictionary<string, string> Keras1ClassNames = new()
    {
        ["Convolution1D"] = "Conv1D", ["Convolution2D"] = "Conv2D", ["Convolution3D"] = "Conv3D",
        ["Deconvolution2D"] = "Conv2DTranspose", ["AtrousConvolution1D"] = "Conv1D", ["AtrousConvolution2D"] = "Conv2D",
    };

    /// <summary>Keras 1 keys and their Keras 2 names, for every layer that has them.</summary>
    private static readonly (string Old, string New)[] Keras1Keys =
    [
        ("nb_filter", "filters"), ("filter_length", "kernel_size"), ("subsample_length", "strides"), ("subsample", "strides"),
        ("border_mode", "padding"), ("atrous_rate", "dilation_rate"), ("init", "kernel_initializer"), ("inner_init", "recurrent_initializer"),
        ("inner_activation", "recurrent_activation"), ("W_regularizer", "kernel_regularizer"), ("U_regularizer", "recurrent_regularizer"),
        ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"), ("U_constraint", "recurrent_constraint"),
        ("b_constraint", "bias_constraint"), ("bias", "use_bias"), ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout"),
        ("pool_length", "pool_size"), ("stride", "strides"), ("p", "rate"), ("sigma", "stddev"), ("beta_init", "beta_initializer"),
        ("gamma_init", "gamma_initializer"),
    ];

    /// <summary>Keras 1 keys whose Keras 2 name depends on the layer.</summary>
    private static readonly Dictionary<string, (string Old, string New)[]> Keras1KeysByClass = new()
    {
        ["Dense"] = [("output_dim", "units")],
        ["LSTM"] = [("output_dim", "units")],
        ["GRU"] = [("output_dim", "units")],
        ["SimpleRNN"] = [("output_dim", "units")],
        ["Embedding"] = [("init", "embeddings_initializer"), ("W_regularizer", "embeddings_regularizer"), ("W_constraint", "embeddings_constraint")],
        ["PReLU"] = [("init", "alpha_initializer")],
        ["UpSampling1D"] = [("length", "size")],
    };

    private static readonly Dictionary<string, string> Keras1Initializers = new()
    {
        ["zero"] = "zeros", ["one"] = "ones", ["uniform"] = "random_uniform", ["normal"] = "random_normal",
    };

    /// <summary>The canonical form of a whole model config (<c>{"class_name": ..., "config": ...}</c>) read from a file.</summary>
    public static JsonObject Upgrade(JsonObject model, LoadOptions dialect)
    {
        var copy = (JsonObject)model.DeepClone();
        UpgradeEntry(copy, dialect);
        return copy;
    }

    private static void UpgradeEntry(JsonObject entry, LoadOptions dialect)
    {
        entry.Remove("module");
        entry.Remove("build_config");
        string className = entry["class_name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
        // Keras 3 names user classes "package>Name": the registered name is what a user registers.
        if (entry["registered_name"] is JsonValue registered && registered.GetValueKind() == JsonValueKind.String
            && registered.GetValue<string>() is { } registeredName && registeredName != className && KerasRegistry.IsKnownLayer(registeredName))
            className = registeredName;
        entry.Remove("registered_name");
        if (dialect.KerasMajor < 2 && Keras1ClassNames.TryGetValue(className, out var renamed)) className = renamed;
        entry["class_name"] = className;

        switch (entry["config"])
        {
            case JsonArray layers:   // Keras ≤ 2.2 Sequential: a bare list
                foreach (var layer in layers.OfType<JsonObject>()) UpgradeEntry(layer, dialect);
                return;
            case JsonObject config when className is "Sequential" or "Functional" or "Model":
                config["dtype"] = DTypeName(config["dtype"]);
                foreach (var layer in (config["layers"] as JsonArray ?? []).OfType<JsonObject>()) UpgradeEntry(layer, dialect);
                if (className != "Sequential") CanonicalNodes(config);
                return;
            case JsonObject config:
                if (className == "Merge" && dialect.KerasMajor < 2) className = UpgradeMerge(entry, config);
                UpgradeLayerConfig(className, config, dialect);
                return;
        }
    }

    /// <summary>
    /// Rewrites Keras 1/2 and TF.js inbound nodes, <c>[[name, node, tensor, kwargs], …]</c>, into Keras 3's
    /// <c>{"args": [x or [x, y, …]], "kwargs": {…}}</c> with <c>__keras_tensor__</c> references: the one form the model
    /// builder reads. Keras 2 counts a nested model's own node as node 0, Keras 3 does not, so references to nested
    /// models move down by one; tensors Keras 2 wrote into kwargs (initial_state, an attention layer's value) become
    /// references too.
    /// </summary>
    private static void CanonicalNodes(JsonObject config)
    {
        var layers = (config["layers"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
        var models = layers.Where(l => l["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String && c.GetValue<string>() is "Sequential" or "Functional" or "Model")
            .Select(l => l["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null)
            .Where(n => n is not null).ToHashSet();
        foreach (var layer in layers)
        {
            if (layer["inbound_nodes"] is not JsonArray nodes) continue;
            for (int i = 0; i < nodes.Count; i++)
                if (nodes[i] is JsonArray references) nodes[i] = Keras3Node(references, models!);
        }
    }

    private static JsonObject Keras3Node(JsonArray references, HashSet<string> models)
    {
        var tensors = references.Select(r => r is JsonArray reference ? KerasTensor(reference, models) : r?.DeepClone()).ToArray();
        var kwargs = references.OfType<JsonArray>().Select(r => r.Count > 3 ? r[3] as JsonObject : null).FirstOrDefault(k => k is { Count: > 0 });
        return new JsonObject
        {
            ["args"] = new JsonArray(tensors.Length == 1 ? tensors[0] : new JsonArray(tensors)),
            ["kwargs"] = kwargs is null ? new JsonObject() : TensorsIn(kwargs, models)!,
        };
    }

    /// <summary>A copy of <paramref name="value"/> with every Keras 2 tensor reference in it made a <c>__keras_tensor__</c>.</summary>
    private static JsonNode? TensorsIn(JsonNode? value, HashSet<string> models) => value switch
    {
        JsonArray { Count: 3 or 4 } reference when reference[0] is JsonValue name && name.GetValueKind() == JsonValueKind.String
            && reference[1] is JsonValue { } node && node.GetValueKind() == JsonValueKind.Number => KerasTensor(reference, models),
        JsonArray list => new JsonArray(list.Select(item => TensorsIn(item, models)).ToArray()),
        JsonObject map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, TensorsIn(p.Value, models)))),
        _ => value?.DeepClone(),
    };

    /// <summary>A Keras 2 reference <c>[name, node, tensor(, kwargs)]</c> as Keras 3's <c>__keras_tensor__</c> (a malformed one is kept for the builder to name).</summary>
    private static JsonNode KerasTensor(JsonArray reference, HashSet<string> models)
    {
        if (reference.Count < 3 || reference[0] is not JsonValue name || name.GetValueKind() != JsonValueKind.String
            || reference[1] is not JsonValue node || !node.TryGetValue(out int index)) return reference.DeepClone();
        bool nested = models.Contains(name.GetValue<string>());
        // A Keras 2 reference to a nested model's own node 0 is no call: it becomes −1, which the builder refuses.
        var history = new JsonArray(name.GetValue<string>(), nested ? index - 1 : index, reference[2]?.DeepClone());
        return new JsonObject { ["class_name"] = "__keras_tensor__", ["config"] = new JsonObject { ["keras_history"] = history } };
    }

    private static void UpgradeLayerConfig(string className, JsonObject config, LoadOptions dialect)
    {
        if (config.ContainsKey("dtype")) config["dtype"] = DTypeName(config["dtype"]);
        if (dialect.KerasMajor < 2) UpgradeKeras1(className, config);
        if (config["batch_shape"] is { } batchShape && !config.ContainsKey("batch_input_shape"))
        {
            config.Remove("batch_shape");
            config["batch_input_shape"] = batchShape;
        }
        if (className == "InputLayer" && config["input_dtype"] is { } inputDType && config["dtype"] is null)
            config["dtype"] = inputDType.DeepClone();

        foreach (var key in config.Select(p => p.Key).ToArray())
        {
            var value = config[key];
            if (key.EndsWith("activation", StringComparison.Ordinal)) config[key] = Activation(value, dialect);
            else if (value is JsonObject nested && nested.ContainsKey("class_name")) UpgradeObject(nested, key, dialect);
            else if (value is JsonValue name && name.GetValueKind() == JsonValueKind.String && key.EndsWith("initializer", StringComparison.Ordinal)
                     && Keras1Initializers.TryGetValue(name.GetValue<string>(), out var initializer))
                config[key] = initializer;
        }

        switch (className)
        {
            // Before Keras 2.3 (and in TF.js) the reset gate came before the recurrent matmul, and configs had no flag.
            case "GRU" when !config.ContainsKey("reset_after"):
                config["reset_after"] = false;
                break;
            // Keras 2 named the slope alpha; Keras 3 negative_slope (and still takes alpha).
            case "LeakyReLU" when config["alpha"] is { } alpha:
                config.Remove("alpha");
                if (!config.ContainsKey("negative_slope")) config["negative_slope"] = alpha;
                break;
            // The wrapper decides whether masked steps output zeros (Keras sets zero_output_for_mask itself).
            case "Bidirectional":
                foreach (var key in new[] { "layer", "backward_layer" })
                    (config[key]?["config"] as JsonObject)?.Remove("zero_output_for_mask");
                break;
        }
    }

    /// <summary>Nested objects (activations are upgraded by <see cref="Activation"/>): a wrapped layer or model, or an initializer, regularizer or constraint.</summary>
    private static void UpgradeObject(JsonObject nested, string key, LoadOptions dialect)
    {
        if (key is "layer" or "backward_layer")
        {
            UpgradeEntry(nested, dialect);
            return;
        }
        nested.Remove("module");
        nested.Remove("registered_name");
        // Keras 3 names two initializer classes longer than their public aliases.
        if (nested["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String && c.GetValue<string>() is "IdentityInitializer" or "OrthogonalInitializer")
            nested["class_name"] = c.GetValue<string>()[..^"Initializer".Length];
        if (nested["config"] is JsonObject settings) settings.Remove("dtype");
    }

    private static JsonNode? Activation(JsonNode? value, LoadOptions dialect)
    {
        switch (value)
        {
            case JsonValue name when name.GetValueKind() == JsonValueKind.String:
                // Keras ≤ 2.x and TF.js mean clip(0.2x + 0.5, 0, 1) by hard_sigmoid; Keras 3 means relu6(x + 3) / 6.
                return name.GetValue<string>() == "hard_sigmoid" && dialect.LegacyHardSigmoid
                    ? ActivationFunction.LegacyHardSigmoidName : name.DeepClone();
            case JsonObject function when function["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String
                                          && c.GetValue<string>() is "function" or "Function":
                // Keras 3 may write a function object: {"class_name": "function", "config": "relu"} (or {"name": ...}).
                var inner = function["config"] is JsonObject o ? o["name"] : function["config"];
                return Activation(inner?.DeepClone(), dialect);
            case JsonObject layer:
                var copy = (JsonObject)layer.DeepClone();
                UpgradeEntry(copy, dialect);
                return copy;
            default:
                return value?.DeepClone();
        }
    }

    private static void UpgradeKeras1(string className, JsonObject config)
    {
        foreach (var (old, current) in Keras1KeysByClass.GetValueOrDefault(className, []).Concat(Keras1Keys))
            if (config.ContainsKey(old) && !config.ContainsKey(current))
            {
                var value = config[old];
                config.Remove(old);
                config[current] = value;
            }
        // Keras 1 sized 2-D and 3-D kernels by nb_row, nb_col (and kernel_dim1, 2, 3).
        if (!config.ContainsKey("kernel_size"))
        {
            var size = new[] { "kernel_dim1", "kernel_dim2", "kernel_dim3", "nb_row", "nb_col" }.Where(config.ContainsKey).ToArray();
            if (size.Length > 0)
            {
                config["kernel_size"] = new JsonArray(size.Select(k => config[k]!.DeepClone()).ToArray());
                foreach (var k in size) config.Remove(k);
            }
        }
        if (config["dim_ordering"] is JsonValue ordering)
        {
            config.Remove("dim_ordering");
            config["data_format"] = ordering.GetValue<string>() == "th" ? "channels_first" : "channels_last";
        }
        if (config["forget_bias_init"] is JsonValue forgetBias)
        {
            config.Remove("forget_bias_init");
            config["unit_forget_bias"] = forgetBias.GetValue<string>() == "one";
        }
        // Keras 1's BatchNormalization mode 0 is the feature-wise normalization of Keras 2; Embedding's dropout 0 is none.
        if (className == "BatchNormalization" && config["mode"] is JsonValue mode && mode.GetValueKind() == JsonValueKind.Number && mode.GetValue<double>() == 0)
            config.Remove("mode");
        if (className == "Embedding" && config["dropout"] is JsonValue dropout && dropout.GetValueKind() == JsonValueKind.Number && dropout.GetValue<double>() == 0)
            config.Remove("dropout");
        foreach (var key in config.Select(p => p.Key).ToArray())
            if (config[key] is JsonObject legacy && legacy["name"] is JsonValue legacyName && !legacy.ContainsKey("class_name"))
                config[key] = Keras1Object(legacyName.GetValue<string>(), legacy);
    }

    /// <summary>Keras 1 wrote regularizers and constraints flat: <c>{"name": "L1L2Regularizer", "l1": 0, "l2": 0.01}</c>.</summary>
    private static JsonObject Keras1Object(string name, JsonObject legacy)
    {
        var settings = new JsonObject();
        foreach (var (key, value) in legacy)
            if (key != "name") settings[key == "m" ? "max_value" : key] = value?.DeepClone();
        string className = name switch
        {
            "WeightRegularizer" or "L1L2Regularizer" => "L1L2",
            "maxnorm" or "MaxNorm" => "MaxNorm",
            "nonneg" or "NonNeg" => "NonNeg",
            "unitnorm" or "UnitNorm" => "UnitNorm",
            _ => name,
        };
        return new JsonObject { ["class_name"] = className, ["config"] = settings };
    }

    /// <summary>Keras 1's <c>Merge(mode=...)</c> is the Keras 2 layer its mode names (as Keras 2's own conversion did).</summary>
    private static string UpgradeMerge(JsonObject entry, JsonObject config)
    {
        string mode = config["mode"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>()
            : throw new KerasFormatException($"Layer '{config["name"]}' (Merge): config entry 'mode' should be one of sum, mul, concat, ave, max, dot, cos (a Python function cannot run here).");
        var axes = config["dot_axes"]?.DeepClone() ?? -1;
        var axis = config["concat_axis"]?.DeepClone() ?? -1;
        foreach (var key in new[] { "mode", "mode_type", "concat_axis", "dot_axes", "output_shape", "output_shape_type", "output_mask", "output_mask_type", "arguments" })
            config.Remove(key);
        string className = mode switch
        {
            "sum" => "Add", "mul" => "Multiply", "ave" => "Average", "max" => "Maximum", "concat" => "Concatenate", "dot" or "cos" => "Dot",
            _ => throw new KerasFormatException($"Layer '{config["name"]}' (Merge): unknown merge mode '{mode}'; expected sum, mul, concat, ave, max, dot or cos."),
        };
        if (className == "Concatenate") config["axis"] = axis;
        if (className == "Dot")
        {
            config["axes"] = axes;
            config["normalize"] = mode == "cos";
        }
        entry["class_name"] = className;
        return className;
    }

    private static JsonNode? DTypeName(JsonNode? dtype) => dtype switch
    {
        // Keras 3 writes a DTypePolicy; mixed precision computes in float32 here (variables are float32 either way).
        JsonObject policy => (policy["config"] is JsonObject settings ? settings["name"] : null) switch
        {
            JsonValue name when name.GetValueKind() == JsonValueKind.String => name.GetValue<string>() switch
            {
                "mixed_float16" or "mixed_bfloat16" => "float32",
                var plain => plain,
            },
            null => "float32",
            var other => throw new KerasFormatException($"config entry 'dtype' holds a DTypePolicy whose name is not a string: {LayerConfig.Shorten(other)}"),
        },
        null => null,
        _ => dtype.DeepClone(),
    };

    /// <summary>A Keras 3 object entry without its <c>module</c> and <c>registered_name</c> (nested objects too).</summary>
    public static JsonObject StripModules(JsonObject entry)
    {
        var copy = (JsonObject)entry.DeepClone();
        Strip(copy);
        return copy;

        static void Strip(JsonObject json)
        {
            if (json.ContainsKey("class_name"))
            {
                json.Remove("module");
                json.Remove("registered_name");
            }
            foreach (var child in json.Select(p => p.Value).OfType<JsonObject>()) Strip(child);
        }
    }

    /// <summary>
    /// An optimizer entry in the canonical form: Keras 2's <c>lr</c> is <c>learning_rate</c>, and its <c>decay</c>
    /// (lr / (1 + decay · iterations)) is the InverseTimeDecay schedule it equals.
    /// </summary>
    public static JsonObject UpgradeOptimizer(JsonObject entry)
    {
        var copy = StripModules(entry);
        if (copy["config"] is not JsonObject config) return copy;
        if (config["lr"] is { } lr && !config.ContainsKey("learning_rate"))
        {
            config.Remove("lr");
            config["learning_rate"] = lr;
        }
        if (config["decay"] is JsonValue decay && decay.GetValueKind() == JsonValueKind.Number)
        {
            config.Remove("decay");
            double rate = double.Parse(decay.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
            if (rate != 0)
                config["learning_rate"] = new JsonObject
                {
                    ["class_name"] = "InverseTimeDecay",
                    ["config"] = new JsonObject
                    {
                        ["initial_learning_rate"] = config["learning_rate"]?.DeepClone() ?? 0.001, ["decay_steps"] = 1, ["decay_rate"] = rate, ["staircase"] = false,
                    },
                };
        }
        return copy;
    }

    /// <summary>
    /// The mirror step for the legacy <c>.h5</c> writer: a canonical layer config in the keys and names tf.keras 2 reads
    /// (Keras 2's hard_sigmoid under its own name, LeakyReLU's slope as <c>alpha</c>).
    /// </summary>
    public static void ToKeras2(string className, JsonObject config)
    {
        foreach (var key in config.Select(p => p.Key).ToArray())
            if (key.EndsWith("activation", StringComparison.Ordinal) && config[key] is JsonValue name
                && name.GetValueKind() == JsonValueKind.String && name.GetValue<string>() == ActivationFunction.LegacyHardSigmoidName)
                config[key] = "hard_sigmoid";
        if (className == "LeakyReLU" && config["negative_slope"] is { } slope)
        {
            config.Remove("negative_slope");
            config["alpha"] = slope;
        }
    }
}
