using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Layers;

/// <summary>
/// A layer's configuration as Keras writes it in a model's JSON: snake_case keys and JSON values
/// (<c>{"name": "dense", "trainable": true, "units": 64, "activation": "relu", ...}</c>).
/// </summary>
public sealed class LayerConfig
{
    /// <summary>Creates a config from its JSON object.</summary>
    public LayerConfig(JsonObject json) => Json = json;

    /// <summary>The JSON object.</summary>
    public JsonObject Json { get; }

    /// <summary>The <c>name</c> entry.</summary>
    public string? Name => Json["name"]?.GetValue<string>();

    /// <summary>Adds or replaces one entry; returns this config for chaining.</summary>
    public LayerConfig With(string key, object? value)
    {
        Json[key] = ToNode(value);
        return this;
    }

    /// <summary>True when the entry is present (even if null).</summary>
    public bool Has(string key) => Json.ContainsKey(key);

    /// <summary>The entry converted to <typeparamref name="T"/>; <paramref name="fallback"/> when absent or null.</summary>
    public T Get<T>(string key, T fallback = default!)
    {
        var node = Json[key];
        return node is null ? fallback : node.Deserialize<T>() ?? fallback;
    }

    /// <summary>The raw JSON of an entry, or null.</summary>
    public JsonNode? GetNode(string key) => Json[key];

    /// <summary>Compact JSON text.</summary>
    public override string ToString() => Json.ToJsonString();

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
