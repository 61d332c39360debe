using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Layers;
using TfFunctional.Regularizers;

namespace TfFunctional.Saving;

/// <summary>
/// The one registry of serializable classes, as Keras's <c>get_registered_object</c>: Keras class names (and
/// <c>registered_name</c>s) mapped to each class's static <c>FromConfig</c>, for layers, initializers, regularizers
/// and constraints, plus activations by name. Built-in classes are found by their <c>FromConfig</c>; users add theirs
/// through <c>Keras.RegisterLayer</c> and friends. It reads configs in the canonical form the upgrade step writes.
/// </summary>
internal static class KerasRegistry
{
    /// <summary>The kinds of object a config holds; each built-in class of a kind has a static FromConfig.</summary>
    private static readonly Type[] Kinds =
    [
        typeof(Layer), typeof(Initializer), typeof(Regularizer), typeof(Constraint), typeof(Optimizers.Optimizer),
        typeof(Optimizers.LearningRateSchedule), typeof(Losses.Loss),
    ];

    private static readonly object Gate = new();
    private static readonly Dictionary<(Type Kind, string ClassName), Func<LayerConfig, object>> Classes = Discover();
    private static readonly Dictionary<string, ActivationFunction> Activations = [];

    private static Dictionary<(Type, string), Func<LayerConfig, object>> Discover()
    {
        var found = new Dictionary<(Type, string), Func<LayerConfig, object>>();
        foreach (var type in typeof(KerasRegistry).Assembly.GetExportedTypes().Where(t => !t.IsAbstract))
        {
            var kind = Kinds.FirstOrDefault(k => k.IsAssignableFrom(type));
            var fromConfig = type.GetMethod("FromConfig", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly, [typeof(LayerConfig)]);
            if (kind is null || fromConfig is null || !type.IsAssignableFrom(fromConfig.ReturnType)) continue;
            var make = fromConfig.CreateDelegate<Func<LayerConfig, object>>();
            found[(kind, type.Name)] = make;
        }
        return found;
    }

    /// <summary>The built-in and registered layer class names, for the layer test's coverage check.</summary>
    internal static IReadOnlyList<string> LayerClassNames
    {
        get
        {
            lock (Gate) return Classes.Keys.Where(k => k.Kind == typeof(Layer)).Select(k => k.ClassName).Order().ToArray();
        }
    }

    public static void Register(Type kind, string className, Func<LayerConfig, object> fromConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        lock (Gate) Classes[(kind, className)] = fromConfig;
    }

    public static ActivationFunction RegisterActivation(string name, Func<Tensor, Tensor> function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        if (ActivationFunction.All.Any(a => a.Name == name))
            throw new ArgumentException($"'{name}' is a built-in Keras activation; register yours under another name.", nameof(name));
        var activation = ActivationFunction.Registered(name, function);
        lock (Gate) Activations[name] = activation;
        return activation;
    }

    /// <summary>A registered activation by name or by its function, or null.</summary>
    public static ActivationFunction? FindActivation(string? name, Func<Tensor, Tensor>? function = null)
    {
        lock (Gate)
            return name is not null ? Activations.GetValueOrDefault(name)
                : Activations.Values.FirstOrDefault(a => a.Wraps(function!));
    }

    public static bool IsKnownLayer(string className)
    {
        lock (Gate) return Classes.ContainsKey((typeof(Layer), className)) || className is "Functional" or "Model" or "Sequential";
    }

    /// <summary>The message for classes we do not know, listing every one at once.</summary>
    public static string UnknownClassMessage(IEnumerable<string> classNames) =>
        $"Unknown layer class(es): {string.Join(", ", classNames.Distinct().Order())}. " +
        "They are not built in: register each with Keras.RegisterLayer(\"ClassName\", config => new MyLayer(...)) before loading.";

    /// <summary>A layer (or a nested model) from its canonical <c>{"class_name": ..., "config": ...}</c> entry.</summary>
    public static Layer DeserializeLayer(JsonObject entry)
    {
        string className = ClassNameOf(entry);
        if (className is "Sequential" or "Functional" or "Model") return ModelLoader.Load(entry);
        var config = entry["config"] as JsonObject ?? throw new KerasFormatException($"Layer entry {LayerConfig.Shorten(entry)} has no config object.");
        var layerConfig = new LayerConfig(config, className);
        Func<LayerConfig, object>? fromConfig;
        lock (Gate) Classes.TryGetValue((typeof(Layer), className), out fromConfig);
        if (fromConfig is null)
        {
            if (className == "Lambda")
                throw new KerasFormatException(
                    $"Layer '{layerConfig.Name}' is a Lambda layer: it holds Python code, which cannot run here. Replace it with a C# layer registered " +
                    "under the name \"Lambda\" with Keras.RegisterLayer(\"Lambda\", config => ...).");
            throw new KerasFormatException(UnknownClassMessage([className]));
        }
        var layer = Invoke(fromConfig, layerConfig) as Layer
            ?? throw new KerasFormatException($"{layerConfig.Owner}: the registered FromConfig did not return a layer.");
        if (config["trainable"] is JsonValue trainable && trainable.GetValueKind() == JsonValueKind.False) layer.Trainable = false;
        return layer;
    }

    /// <summary>An initializer, regularizer or constraint from its name or <c>{"class_name", "config"}</c> object.</summary>
    public static T Deserialize<T>(JsonNode node, LayerConfig owner, string key) where T : class
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            string name = value.GetValue<string>();
            lock (Gate)
                if (Classes.TryGetValue((typeof(T), name), out var registered)) return (T)Invoke(registered, new LayerConfig([], name));
            try
            {
                object made = typeof(T) == typeof(Initializer) ? Initializer.Get(name)
                    : typeof(T) == typeof(Regularizer) ? Regularizer.Get(name)
                    : typeof(T) == typeof(Constraint) ? Constraint.Get(name)
                    : typeof(T) == typeof(Optimizers.Optimizer) ? Optimizers.Optimizer.Get(name)
                    : typeof(T) == typeof(Losses.Loss) ? Losses.Loss.Get(name)
                    : throw new KerasFormatException($"{owner.Owner}: config entry '{key}' should be a {{\"class_name\", \"config\"}} object. Received: {key}=\"{name}\"");
                return (T)made;
            }
            catch (ArgumentException e)
            {
                throw new KerasFormatException($"{owner.Owner}: config entry '{key}': {ConfigBinder.Reason(e)}");
            }
        }
        if (node is not JsonObject json)
            throw new KerasFormatException($"{owner.Owner}: config entry '{key}' should be a name or a {{\"class_name\", \"config\"}} object. Received: {key}={LayerConfig.Shorten(node)}");
        string className = ClassNameOf(json);
        Func<LayerConfig, object>? fromConfig;
        lock (Gate) Classes.TryGetValue((typeof(T), className), out fromConfig);
        if (fromConfig is null)
            throw new KerasFormatException($"{owner.Owner}: config entry '{key}' names an unknown {typeof(T).Name.ToLowerInvariant()} class '{className}'.");
        var inner = json["config"] switch
        {
            null => new JsonObject(),
            JsonObject settings => settings,
            var other => throw new KerasFormatException($"{owner.Owner}: config entry '{key}' has a config that is not an object: {LayerConfig.Shorten(other)}"),
        };
        var made2 = Invoke(fromConfig, new LayerConfig(inner, $"{owner.Owner}, {key} {className}"));
        return made2 as T ?? throw new KerasFormatException($"{owner.Owner}: config entry '{key}' is a {className}, not a {typeof(T).Name}.");
    }

    /// <summary>An activation from its name (built in or registered) or from a layer entry (<c>LeakyReLU</c> as an activation).</summary>
    public static ActivationFunction Activation(JsonNode node, LayerConfig owner, string key)
    {
        if (node is JsonObject layerEntry) return DeserializeLayer(layerEntry);
        if (node.GetValueKind() != JsonValueKind.String)
            throw new KerasFormatException($"{owner.Owner}: config entry '{key}' should be an activation name. Received: {key}={LayerConfig.Shorten(node)}");
        try
        {
            return ActivationFunction.Get(node.GetValue<string>());
        }
        catch (ArgumentException e)
        {
            throw new KerasFormatException($"{owner.Owner}: config entry '{key}': {ConfigBinder.Reason(e)}");
        }
    }

    private static object Invoke(Func<LayerConfig, object> fromConfig, LayerConfig config)
    {
        try
        {
            return fromConfig(config);
        }
        catch (KerasFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or JsonException)
        {
            // A user's FromConfig reads the config its own way; what it refuses is still the file's fault.
            throw new KerasFormatException($"{config.Owner}: cannot be made from its config: {e.Message}", e);
        }
    }

    private static string ClassNameOf(JsonObject entry) => entry["class_name"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        null => throw new KerasFormatException($"An entry has no class_name: {LayerConfig.Shorten(entry)}"),
        var other => throw new KerasFormatException($"An entry's class_name should be a string. Received: class_name={LayerConfig.Shorten(other)}"),
    };
}
