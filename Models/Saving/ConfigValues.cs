using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Layers;
using TfFunctional.Regularizers;

namespace TfFunctional.Saving;

/// <summary>
/// Reads one config entry as the .NET type a constructor takes, as Keras writes it: an int or a list for sizes and axes,
/// nulls in shapes, a name or a <c>{"class_name", "config"}</c> object for activations, initializers, regularizers and
/// constraints, a nested entry for a wrapped layer. Every failure names the layer, the entry and the value received.
/// </summary>
internal static class ConfigValues
{
    public static object? Read(Type type, JsonNode node, LayerConfig owner, string key)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return underlying switch
            {
                _ when underlying == typeof(int) => Int(node, owner, key),
                _ when underlying == typeof(long) => (long)Number(node, owner, key, integer: true),
                _ when underlying == typeof(double) => Number(node, owner, key, integer: false),
                _ when underlying == typeof(float) => (float)Number(node, owner, key, integer: false),
                _ when underlying == typeof(bool) => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? node.GetValue<bool>() : throw Expected(owner, key, "a boolean", node),
                _ when underlying == typeof(string) => node.GetValueKind() == JsonValueKind.String
                    ? node.GetValue<string>() : throw Expected(owner, key, "a string", node),
                _ when underlying == typeof(int[]) => Ints(node, owner, key),
                _ when underlying == typeof(long[]) => node is JsonArray longs ? longs.Select(v => (long)Number(v ?? throw Expected(owner, key, "a list of integers", node), owner, key, integer: true)).ToArray()
                    : throw Expected(owner, key, "a list of integers", node),
                _ when underlying == typeof(double[]) => node is JsonArray doubles ? doubles.Select(v => Number(v ?? throw Expected(owner, key, "a list of numbers", node), owner, key, integer: false)).ToArray()
                    : throw Expected(owner, key, "a list of numbers", node),
                _ when underlying == typeof(IntOrTuple) => new IntOrTuple(Ints(node, owner, key)),
                _ when underlying == typeof(int?[]) => Dimensions(node, owner, key),
                _ when underlying == typeof(ShapeArgument) => new ShapeArgument(Dimensions(node, owner, key)),
                _ when underlying == typeof(int[][]) => node is JsonArray pairs && pairs.All(p => p is JsonArray)
                    ? pairs.Select(p => Ints(p!, owner, key)).ToArray()
                    : throw Expected(owner, key, "a list of integer lists", node),
                _ when underlying == typeof(DType) => DTypeOf(node, owner, key),
                _ when underlying == typeof(ActivationFunction) => KerasRegistry.Activation(node, owner, key),
                _ when underlying == typeof(Initializer) => KerasRegistry.Deserialize<Initializer>(node, owner, key),
                _ when underlying == typeof(Regularizer) => KerasRegistry.Deserialize<Regularizer>(node, owner, key),
                _ when underlying == typeof(Constraint) => KerasRegistry.Deserialize<Constraint>(node, owner, key),
                _ when typeof(Layer).IsAssignableFrom(underlying) => NestedLayer(underlying, node, owner, key),
                _ => throw new KerasFormatException($"{owner.Owner}: config entry '{key}' cannot be read as {underlying.Name}."),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new KerasFormatException($"{owner.Owner}: config entry '{key}' has an unexpected value {LayerConfig.Shorten(node)}: {e.Message}", e);
        }
    }

    private static KerasFormatException Expected(LayerConfig owner, string key, string what, JsonNode? node) =>
        new($"{owner.Owner}: config entry '{key}' should be {what}. Received: {key}={LayerConfig.Shorten(node)}");

    private static double Number(JsonNode node, LayerConfig owner, string key, bool integer)
    {
        if (node.GetValueKind() != JsonValueKind.Number) throw Expected(owner, key, integer ? "an integer" : "a number", node);
        // Parsed from the text: a JsonValue made in code from an int cannot be read as a double (System.Text.Json).
        double value = double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        if (integer && (value != Math.Floor(value) || Math.Abs(value) > long.MaxValue)) throw Expected(owner, key, "an integer", node);
        return value;
    }

    private static int?[] Dimensions(JsonNode node, LayerConfig owner, string key) => node is JsonArray dimensions
        ? dimensions.Select(d => d is null ? (int?)null : Int(d, owner, key)).ToArray()
        : throw Expected(owner, key, "a shape (a list of integers and nulls)", node);

    private static int Int(JsonNode node, LayerConfig owner, string key)
    {
        // Keras writes whole floats (2.0) where ints are meant in some files; anything else is not an int.
        double value = Number(node, owner, key, integer: true);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Expected(owner, key, "an integer that fits 32 bits", node);
    }

    private static int[] Ints(JsonNode node, LayerConfig owner, string key) => node switch
    {
        JsonArray list => list.Select(v => v is null ? throw Expected(owner, key, "an integer or a list of integers", node) : Int(v, owner, key)).ToArray(),
        JsonValue => [Int(node, owner, key)],
        _ => throw Expected(owner, key, "an integer or a list of integers", node),
    };

    private static DType DTypeOf(JsonNode node, LayerConfig owner, string key)
    {
        string name = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Expected(owner, key, "a dtype name", node);
        return DTypes.Parse(name);
    }

    private static Layer NestedLayer(Type type, JsonNode node, LayerConfig owner, string key)
    {
        var layer = node is JsonObject entry ? KerasRegistry.DeserializeLayer(entry)
            : throw Expected(owner, key, "a layer ({\"class_name\": ..., \"config\": ...})", node);
        return type.IsInstanceOfType(layer) ? layer
            : throw Expected(owner, key, $"a {type.Name} layer", JsonValue.Create(layer.ClassName));
    }
}
