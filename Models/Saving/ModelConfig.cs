using System.Text.Json.Nodes;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>The two ways Keras writes a model's architecture: Keras 3 (<c>.keras</c>) and Keras 2 (legacy <c>.h5</c>, <c>to_json</c>).</summary>
public enum ConfigFormat
{
    /// <summary>Keras 3: DTypePolicy objects, <c>batch_shape</c>, <c>{"args": [...], "kwargs": {}}</c> inbound nodes.</summary>
    Keras3,
    /// <summary>Keras 2 / tf.keras: <c>"float32"</c> dtypes, <c>batch_input_shape</c>, <c>[[["input_1", 0, 0, {}]]]</c> nodes.</summary>
    Keras2,
}

/// <summary>Writes a model's architecture as the JSON Keras writes, layer by layer with its inbound nodes.</summary>
internal static class ModelConfig
{
    /// <summary><c>{"module": ..., "class_name": ..., "config": ..., ...}</c> for a whole model.</summary>
    public static JsonObject Serialize(Model model, ConfigFormat format)
    {
        var json = format == ConfigFormat.Keras3
            ? new JsonObject
            {
                ["module"] = model is Sequential ? "keras" : "keras.src.models.functional",
                ["class_name"] = model.ClassName,
                ["config"] = ModelBody(model, format),
                ["registered_name"] = model.ClassName,
                ["build_config"] = new JsonObject { ["input_shape"] = model is Sequential ? LayerConfig.ToNode(model.Inputs[0].Shape) : null },
            }
            : new JsonObject { ["class_name"] = model.ClassName, ["config"] = ModelBody(model, format) };
        return json;
    }

    private static JsonObject ModelBody(Model model, ConfigFormat format)
    {
        if (model is Sequential sequential)
        {
            var layers = new JsonArray();
            var input = (InputLayer)sequential.Inputs[0].Layer;
            layers.Add(SerializeLayer(input, format));
            foreach (var layer in sequential.Layers) layers.Add(SerializeLayer(layer, format));
            var body = new JsonObject { ["name"] = model.Name, ["trainable"] = model.Trainable };
            if (format == ConfigFormat.Keras3) body["dtype"] = DTypePolicy(model.DType);
            body["layers"] = layers;
            return body;
        }

        var nodes = new HashSet<Node>(model.Graph.Nodes);
        var entries = new JsonArray();
        foreach (var layer in model.Layers)
        {
            var entry = SerializeLayer(layer, format);
            entry["name"] = layer.Name;
            var inbound = new JsonArray();
            foreach (var node in layer.InboundNodes.Where(nodes.Contains))
                if (!node.IsInput) inbound.Add(SerializeNode(node, nodes, format));
            entry["inbound_nodes"] = inbound;
            entries.Add(entry);
        }
        // Endpoints count a nested model's own node in both formats (Keras 3's get_config starts them at 1).
        JsonArray Endpoints(IReadOnlyList<KerasTensor> tensors) => new(tensors.Select(t =>
            (JsonNode)new JsonArray(t.Layer.Name, KeptIndex(t.Node, nodes, ConfigFormat.Keras2), t.KerasHistory.TensorIndex)).ToArray());
        return new JsonObject
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = entries,
            ["input_layers"] = Endpoints(model.Inputs),
            ["output_layers"] = Endpoints(model.Outputs),
        };
    }

    /// <summary>
    /// Refuses a model that <paramref name="format"/> cannot record, before any file is touched: every layer, and every
    /// object its config holds (activations, initializers, …), is asked; the message lists each problem by layer.
    /// </summary>
    /// <exception cref="NotSupportedException">Something in the model cannot be written in this format.</exception>
    public static void EnsureExpressible(Model model, ConfigFormat format, string formatName)
    {
        var problems = SavedObjects(model)
            .Select(o => (o.Layer, Problem: o.Object.ProblemIn(format)))
            .Where(p => p.Problem is not null)
            .Select(p => $"layer '{p.Layer.Name}' ({p.Layer.ClassName}): {p.Problem}")
            .Distinct()
            .ToArray();
        if (problems.Length > 0)
            throw new NotSupportedException($"Model \"{model.Name}\" cannot be saved as {formatName}: {string.Join("; ", problems)}.");
    }

    /// <summary>Every layer of the model (nested models, wrapped layers, layers used as activations) and each object its config holds.</summary>
    internal static IEnumerable<(Layer Layer, ISaveCheck Object)> SavedObjects(Layer layer)
    {
        if (layer is Model model)
        {
            foreach (var inner in model.Layers)
                foreach (var found in SavedObjects(inner)) yield return found;
            yield break;
        }
        if (layer is ISaveCheck self) yield return (layer, self);
        foreach (var item in layer.GetConfig().Objects)
        {
            if (item is ISaveCheck check) yield return (layer, check);
            if (item is Activations.ActivationFunction { Layer: { } activationLayer })
                foreach (var found in SavedObjects(activationLayer)) yield return found;
        }
        foreach (var (_, nested) in layer.NestedLayers)
            foreach (var found in SavedObjects(nested)) yield return found;
    }

    /// <summary>A layer's <c>{class_name, config}</c> entry (models nest their own architecture).</summary>
    public static JsonObject SerializeLayer(Layer layer, ConfigFormat format)
    {
        JsonObject config = layer is Model nested
            ? ModelBody(nested, format)
            : ToFormat(layer.ClassName, layer.GetConfig().Json, format, layer is InputLayer);
        foreach (var (key, inner) in layer.NestedLayers)
            config[key] = SerializeLayer(inner, format);
        if (format == ConfigFormat.Keras2)
            return new JsonObject { ["class_name"] = layer.ClassName, ["config"] = config };
        var entry = new JsonObject
        {
            ["module"] = layer is Model ? (layer is Sequential ? "keras" : "keras.src.models.functional") : "keras.layers",
            ["class_name"] = layer.ClassName,
            ["config"] = config,
            ["registered_name"] = layer is Model ? layer.ClassName : null,
        };
        if (layer.Built && layer is not (InputLayer or Model) && layer.InboundNodes.Count > 0)
            entry["build_config"] = new JsonObject { ["input_shape"] = LayerConfig.ToNode(layer.InboundNodes[0].InputShapes[0]) };
        return entry;
    }

    /// <summary>The position of a node among its layer's nodes that belong to the saved model, as Keras renumbers them.</summary>
    private static int KeptIndex(Node node, HashSet<Node> modelNodes, ConfigFormat format)
    {
        if (node.IsInput) return 0;
        var kept = node.Layer.InboundNodes.Where(n => modelNodes.Contains(n) && !IsSelfNode(n)).ToList();
        // Keras 2 counts a nested functional model's own node (index 0) before its calls; Keras 3 has no such node.
        int offset = node.Layer is Model && format == ConfigFormat.Keras2 ? 1 : 0;
        return kept.IndexOf(node) + offset;
    }

    /// <summary>The node a functional model made for itself when created (Keras 2), not a call.</summary>
    internal static bool IsSelfNode(Node node) => node.Layer is Model && node.Index == 0;

    private static JsonNode SerializeNode(Node node, HashSet<Node> modelNodes, ConfigFormat format)
    {
        // Layers whose inputs are separate call arguments (MultiHeadAttention's query, value, key) are written so; one
        // tensor given to such a layer is both its first and second argument (self-attention).
        var argumentNames = node.Layer.TensorArgumentNames;
        bool positional = argumentNames is not null;
        var tensors = positional && node.InputTensors.Count == 1 ? [node.InputTensors[0], node.InputTensors[0]] : node.InputTensors;
        if (format == ConfigFormat.Keras2)
        {
            // Keras 2 writes the first argument's tensors as references and every other argument into the kwargs.
            JsonArray Reference(KerasTensor t, JsonObject kwargs) =>
                new(t.Layer.Name, KeptIndex(t.Node, modelNodes, format), t.KerasHistory.TensorIndex, kwargs);
            JsonObject Arguments()
            {
                var arguments = CallArguments(node);
                if (node.Masks is { } masks)
                {
                    JsonNode? Mask(KerasTensor? m) => m is null ? null : new JsonArray(m.Layer.Name, KeptIndex(m.Node, modelNodes, format), m.KerasHistory.TensorIndex);
                    arguments["mask"] = node.InputsAreList ? new JsonArray(masks.Select(Mask).ToArray()) : Mask(masks[0]);
                }
                return arguments;
            }
            if (!positional)
                return new JsonArray(tensors.Select(t => (JsonNode)Reference(t, Arguments())).ToArray());
            var kwargs = Arguments();
            for (int i = 1; i < tensors.Count; i++)
                kwargs[argumentNames![i]] = new JsonArray(tensors[i].Layer.Name, KeptIndex(tensors[i].Node, modelNodes, format), tensors[i].KerasHistory.TensorIndex);
            return new JsonArray(Reference(tensors[0], kwargs));
        }
        JsonNode Tensor(KerasTensor t) => new JsonObject
        {
            ["class_name"] = "__keras_tensor__",
            ["config"] = new JsonObject
            {
                ["shape"] = LayerConfig.ToNode(t.Shape),
                ["dtype"] = t.DType.KerasName(),
                ["keras_history"] = new JsonArray(t.Layer.Name, KeptIndex(t.Node, modelNodes, format), t.KerasHistory.TensorIndex),
            },
        };
        var args = positional ? new JsonArray(tensors.Select(Tensor).ToArray())
            : node.InputsAreList ? new JsonArray(new JsonArray(tensors.Select(Tensor).ToArray()))
            : new JsonArray(Tensor(tensors[0]));
        var keras3Arguments = CallArguments(node);
        if (node.Masks is { } given)
            keras3Arguments["mask"] = node.InputsAreList ? new JsonArray(given.Select(m => m is null ? null : Tensor(m)).ToArray())
                : given[0] is { } mask ? Tensor(mask) : null;
        return new JsonObject { ["args"] = args, ["kwargs"] = keras3Arguments };
    }

    /// <summary>
    /// The call arguments Keras writes into a node's kwargs: the call's training argument when fixed, then every other
    /// non-tensor argument of the call (<see cref="Node.Arguments"/>), as Keras's <c>serialize_node</c> writes kwargs.
    /// </summary>
    private static JsonObject CallArguments(Node node)
    {
        var kwargs = new JsonObject();
        if (node.Training is bool training) kwargs["training"] = training;
        foreach (var (name, value) in node.Arguments)
            kwargs[name] = value switch
            {
                bool flag => JsonValue.Create(flag),
                int number => JsonValue.Create(number),
                double number => JsonValue.Create(number),
                string text => JsonValue.Create(text),
                _ => throw new InvalidOperationException($"Layer \"{node.Layer.Name}\": call argument '{name}' has a value of type {value.GetType().Name}, which a file cannot hold."),
            };
        return kwargs;
    }

    private static JsonObject DTypePolicy(DType dtype) => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = new JsonObject { ["name"] = dtype.KerasName() },
        ["registered_name"] = null,
    };

    /// <summary>Adapts a layer config written in Keras 2 keys to the format asked for.</summary>
    private static JsonObject ToFormat(string className, JsonObject config, ConfigFormat format, bool isInput)
    {
        var json = (JsonObject)config.DeepClone();
        if (format == ConfigFormat.Keras2)
        {
            ConfigUpgrade.ToKeras2(className, json);
            return json;
        }
        if (isInput)
        {
            var result = new JsonObject { ["batch_shape"] = json["batch_input_shape"]?.DeepClone() };
            foreach (var (key, value) in json)
                if (key != "batch_input_shape") result[key] = value?.DeepClone();
            return result;
        }
        json.Remove("batch_input_shape");
        json.Remove("input_length");
        if (json["dtype"] is JsonValue dtype) json["dtype"] = DTypePolicy(DTypes.Parse(dtype.GetValue<string>()));
        foreach (var key in json.Select(p => p.Key).ToArray())
        {
            if (json[key] is not JsonObject nested || nested["class_name"] is null) continue;
            string module = key.EndsWith("initializer") ? "keras.initializers"
                : key.EndsWith("regularizer") ? "keras.regularizers"
                : key.EndsWith("constraint") ? "keras.constraints"
                : "keras.layers";
            json[key] = new JsonObject
            {
                ["module"] = module,
                ["class_name"] = nested["class_name"]!.DeepClone(),
                ["config"] = nested["config"]?.DeepClone(),
                ["registered_name"] = null,
            };
        }
        return json;
    }
}
