using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Saving;

/// <summary>
/// Reads one layer's config as any Keras wrote it: Keras 3, Keras 2, and Keras 1 (whose renamed keys are given as
/// aliases), with typed getters that name the layer and the key when a value is malformed.
/// </summary>
internal sealed class ConfigReader(string className, JsonObject config, LoadOptions options)
{
    public string ClassName { get; } = className;

    public JsonObject Json { get; } = config;

    public LoadOptions Options { get; } = options;

    public string? Name => String("name");

    public bool Trainable => Bool("trainable", true);

    public JsonNode? Node(string key, params string[] aliases)
    {
        if (Json.TryGetPropertyValue(key, out var node)) return node;
        foreach (var alias in aliases)
            if (Json.TryGetPropertyValue(alias, out var aliased)) return aliased;
        return null;
    }

    public bool Has(string key, params string[] aliases) => Json.ContainsKey(key) || aliases.Any(Json.ContainsKey);

    private T Value<T>(string key, string[] aliases, T fallback)
    {
        var node = Node(key, aliases);
        if (node is null) return fallback;
        try
        {
            return node.Deserialize<T>() ?? fallback;
        }
        catch (JsonException e)
        {
            throw new KerasFormatException($"Layer '{Name}' ({ClassName}): config entry '{key}' has an unexpected value {node.ToJsonString()}: {e.Message}");
        }
    }

    public int Int(string key, int fallback, params string[] aliases) => Value(key, aliases, fallback);

    public int? OptionalInt(string key, params string[] aliases) => Value<int?>(key, aliases, null);

    public double Double(string key, double fallback, params string[] aliases) => Value(key, aliases, fallback);

    public bool Bool(string key, bool fallback, params string[] aliases) => Value(key, aliases, fallback);

    public string? String(string key, params string[] aliases) => Value<string?>(key, aliases, null);

    public int Required(string key, params string[] aliases) =>
        OptionalInt(key, aliases) ?? throw new KerasFormatException($"Layer '{Name}' ({ClassName}): config entry '{key}' is missing.");

    /// <summary>An int or a list of ints (Keras accepts both for kernel sizes, strides, axes).</summary>
    public int[]? Ints(string key, params string[] aliases) => Node(key, aliases) switch
    {
        null => null,
        JsonArray array => array.Select(n => n!.GetValue<int>()).ToArray(),
        JsonValue value => [value.GetValue<int>()],
        var other => throw new KerasFormatException($"Layer '{Name}' ({ClassName}): config entry '{key}' should be an int or a list: {other.ToJsonString()}"),
    };

    /// <summary>A shape with nulls for unknown dimensions.</summary>
    public int?[]? Shape(string key, params string[] aliases) => Node(key, aliases) is JsonArray array
        ? array.Select(n => n is null ? (int?)null : n.GetValue<int>()).ToArray()
        : null;

    public string DTypeName()
    {
        return Node("dtype") switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonObject policy => policy["config"]?["name"]?.GetValue<string>() ?? "float32",
            _ => "float32",
        } switch
        {
            "mixed_float16" or "mixed_bfloat16" => "float32",
            var name => name,
        };
    }

    public ActivationFunction Activation(string key, string fallback, params string[] aliases)
    {
        var node = Node(key, aliases);
        if (node is null) return ActivationFunction.Get(fallback);
        if (node is JsonObject layerForm)
        {
            // Keras 3 may serialize an activation as a layer ({"class_name": "LeakyReLU", ...}) or a function object.
            string className = layerForm["class_name"]?.GetValue<string>() ?? "";
            if (layerForm["config"] is JsonObject inner && className is "function" or "Function")
                return ActivationByName(inner["name"]?.GetValue<string>() ?? layerForm["config"]!.ToJsonString());
            return LayerFactory.Create(className, layerForm["config"] as JsonObject ?? [], Options);
        }
        return ActivationByName(node.GetValue<string>());
    }

    private ActivationFunction ActivationByName(string name)
    {
        // Keras ≤ 2.x and TF.js mean clip(0.2x + 0.5, 0, 1) by hard_sigmoid; keep that meaning.
        if (name == "hard_sigmoid" && Options.LegacyHardSigmoid) return ActivationFunction.HardSigmoidLegacy;
        try
        {
            return ActivationFunction.Get(name);
        }
        catch (ArgumentException e)
        {
            throw new KerasFormatException($"Layer '{Name}' ({ClassName}): {e.Message}");
        }
    }

    public Initializer Initializer(string key, Initializer fallback, params string[] aliases)
    {
        var node = Node(key, aliases);
        return node switch
        {
            null => fallback,
            JsonValue value => LegacyInitializer(value.GetValue<string>()) ?? fallback,
            JsonObject json => InitializerFromJson(json) ?? fallback,
            _ => fallback,
        };
    }

    private static Initializer? LegacyInitializer(string name) => name switch
    {
        "zero" => new Zeros(),
        "one" => new Ones(),
        "uniform" => new RandomUniform(),
        "normal" => new RandomNormal(),
        _ => TryGet(() => Initializers.Initializer.Get(name)),
    };

    private static Initializer? InitializerFromJson(JsonObject json)
    {
        string className = json["class_name"]?.GetValue<string>() ?? "";
        var c = json["config"] as JsonObject ?? [];
        int? seed = c["seed"]?.GetValueKind() == JsonValueKind.Number ? c["seed"]!.GetValue<int>() : null;
        double Get(string key, double fallback) => c[key]?.GetValueKind() == JsonValueKind.Number ? c[key]!.GetValue<double>() : fallback;
        return className switch
        {
            "VarianceScaling" => new VarianceScaling(Get("scale", 1), c["mode"]?.GetValue<string>() ?? "fan_in",
                c["distribution"]?.GetValue<string>() ?? "truncated_normal", seed),
            "RandomUniform" => new RandomUniform(Get("minval", -0.05), Get("maxval", 0.05), seed),
            "RandomNormal" => new RandomNormal(Get("mean", 0), Get("stddev", 0.05), seed),
            "TruncatedNormal" => new TruncatedNormal(Get("mean", 0), Get("stddev", 0.05), seed),
            "Constant" => new Constant(Get("value", 0)),
            "Orthogonal" => new Orthogonal(Get("gain", 1), seed),
            "Identity" or "IdentityInitializer" => new Identity(Get("gain", 1)),
            "GlorotUniform" => new GlorotUniform(seed),
            "GlorotNormal" => new GlorotNormal(seed),
            "HeUniform" => new HeUniform(seed),
            "HeNormal" => new HeNormal(seed),
            "LecunUniform" => new LecunUniform(seed),
            "LecunNormal" => new LecunNormal(seed),
            _ => LegacyInitializer(className),
        };
    }

    public Regularizer? Regularizer(string key, params string[] aliases)
    {
        if (Node(key, aliases) is not JsonObject json) return null;
        var c = json["config"] as JsonObject ?? [];
        double l1 = c["l1"]?.GetValue<double>() ?? 0, l2 = c["l2"]?.GetValue<double>() ?? 0;
        return json["class_name"]?.GetValue<string>() switch
        {
            "L1" => new L1(l1),
            "L2" => new L2(l2),
            _ => new L1L2(l1, l2),
        };
    }

    public Constraint? Constraint(string key, params string[] aliases)
    {
        if (Node(key, aliases) is not JsonObject json) return null;
        var c = json["config"] as JsonObject ?? [];
        int[] axis = c["axis"] switch
        {
            JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
            JsonValue v => [v.GetValue<int>()],
            _ => [0],
        };
        double Get(string k, double fallback) => c[k]?.GetValue<double>() ?? fallback;
        return json["class_name"]?.GetValue<string>() switch
        {
            "MaxNorm" or "max_norm" => new MaxNorm(Get("max_value", 2), axis),
            "NonNeg" or "non_neg" => new NonNeg(),
            "UnitNorm" or "unit_norm" => new UnitNorm(axis),
            "MinMaxNorm" or "min_max_norm" => new MinMaxNorm(Get("min_value", 0), Get("max_value", 1), Get("rate", 1), axis),
            var other => throw new KerasFormatException($"Layer '{Name}' ({ClassName}): unknown constraint '{other}' in '{key}'."),
        };
    }

    private static T? TryGet<T>(Func<T> get) where T : class
    {
        try { return get(); }
        catch (ArgumentException) { return null; }
    }
}
