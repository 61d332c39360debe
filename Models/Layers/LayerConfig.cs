using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Layers;

/// <summary>
/// A serializable object's configuration as Keras writes it in a model's JSON: snake_case keys and JSON values
/// (<c>{"name": "dense", "trainable": true, "units": 64, "activation": "relu", ...}</c>). Layers, initializers,
/// regularizers and constraints write theirs with <see cref="With"/> and are made from it by their static
/// <c>FromConfig</c>; <see cref="Get{T}(string)"/> is the one typed reader, for built-in and user classes alike: its
/// errors name the layer and the entry.
/// </summary>
public sealed class LayerConfig
{
    private readonly List<IKerasSerializable> _objects = [];

    /// <summary>Creates a config from its JSON object.</summary>
    public LayerConfig(JsonObject json) : this(json, className: null) { }

    /// <summary>Creates the config of an object of class <paramref name="className"/> (named in error messages).</summary>
    public LayerConfig(JsonObject json, string? className)
    {
        Json = json;
        ClassName = className;
    }

    /// <summary>The JSON object.</summary>
    public JsonObject Json { get; }

    /// <summary>The Keras class the config belongs to, when known (for messages).</summary>
    public string? ClassName { get; }

    /// <summary>The <c>name</c> entry, or null when absent.</summary>
    /// <exception cref="KerasFormatException">The entry is not a string.</exception>
    public string? Name => Json["name"] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw new KerasFormatException(
            $"{Owner}: config entry 'name' should be a string. Received: name={Shorten(other)}"),
    };

    /// <summary>The objects (activations, initializers, …) given to <see cref="With"/>, for the checks a file format makes.</summary>
    internal IReadOnlyList<IKerasSerializable> Objects => _objects;

    /// <summary>Adds or replaces one entry; returns this config for chaining.</summary>
    public LayerConfig With(string key, object? value)
    {
        if (value is IKerasSerializable serializable) _objects.Add(serializable);
        Json[key] = ToNode(value);
        return this;
    }

    /// <summary>True when the entry is present (even if null).</summary>
    public bool Has(string key) => Json.ContainsKey(key);

    /// <summary>
    /// The entry as <typeparamref name="T"/>: numbers, strings, booleans, int lists and tuples, shapes, dtypes,
    /// activations, initializers, regularizers, constraints and nested layers, each read as Keras writes it.
    /// </summary>
    /// <exception cref="KerasFormatException">The entry is missing (and <typeparamref name="T"/> is not nullable) or malformed; the message names the layer and the entry.</exception>
    public T Get<T>(string key)
    {
        if (!Json.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (default(T) is null) return default!;
            throw new KerasFormatException($"{Owner}: config entry '{key}' is missing.");
        }
        return (T)ConfigValues.Read(typeof(T), node, this, key)!;
    }

    /// <summary>The entry as <typeparamref name="T"/>, or <paramref name="fallback"/> when absent or null.</summary>
    /// <exception cref="KerasFormatException">The entry is malformed.</exception>
    public T Get<T>(string key, T fallback) =>
        Json[key] is null ? fallback : (T)ConfigValues.Read(typeof(T), Json[key]!, this, key)!;

    /// <summary>The entry read as <paramref name="type"/>, or null when absent or null.</summary>
    internal object? Get(Type type, string key) => Json[key] is { } node ? ConfigValues.Read(type, node, this, key) : null;

    /// <summary>The raw JSON of an entry, or null.</summary>
    public JsonNode? GetNode(string key) => Json[key];

    /// <summary>
    /// Makes a <typeparamref name="T"/> from this config as Keras does (<c>cls(**config)</c>): every constructor argument
    /// from the entry of its snake_case name, the constructor's own default where the entry is absent.
    /// </summary>
    /// <exception cref="KerasFormatException">An entry is missing, malformed or refused by the constructor, or is one the class does not take.</exception>
    public T Construct<T>() => (T)ConfigBinder.Construct(typeof(T), this, null);

    /// <summary>As <see cref="Construct{T}()"/>, with the constructor whose first argument has type <paramref name="firstArgument"/>.</summary>
    public T Construct<T>(Type firstArgument) => (T)ConfigBinder.Construct(typeof(T), this, firstArgument);

    /// <summary>How messages name the owner: <c>Layer 'dense_2' (Dense)</c>.</summary>
    internal string Owner
    {
        get
        {
            string name = Json["name"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "?";
            return ClassName is null ? $"Layer '{name}'" : Json.ContainsKey("name") ? $"Layer '{name}' ({ClassName})" : ClassName;
        }
    }

    /// <summary>Compact JSON text.</summary>
    public override string ToString() => Json.ToJsonString();

    internal static string Shorten(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "null";
        return text.Length > 120 ? text[..120] + "…" : text;
    }

    internal static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        IKerasSerializable serializable => serializable.ToConfigJson(),
        Shape shape => new JsonArray(shape.Select(d => (JsonNode?)(d is int v ? JsonValue.Create(v) : null)).ToArray()),
        DType dtype => JsonValue.Create(dtype.KerasName()),
        string s => JsonValue.Create(s),
        System.Collections.IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonSerializer.SerializeToNode(value),
    };
}
