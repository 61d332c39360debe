using System.Text.Json.Nodes;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// Rebuilds a model from the architecture Keras wrote: Sequential and functional configs of Keras 3, 2 and 1, nested
/// models, shared layers (a layer with several inbound nodes is called once per node, in an order where every input
/// exists), and node indices as each format numbers them.
/// </summary>
internal static class ModelLoader
{
    /// <summary>The model of a model config as a file holds it, in any dialect: upgraded first, then built.</summary>
    public static Model Load(JsonObject json, LoadOptions dialect) => Load(ConfigUpgrade.Upgrade(json, dialect));

    /// <summary>The model of a canonical <c>{"class_name": ..., "config": ...}</c> object.</summary>
    public static Model Load(JsonObject json)
    {
        var unknown = ClassNames(json).Where(n => !KerasRegistry.IsKnownLayer(n)).ToArray();
        if (unknown.Length > 0)
            throw new KerasFormatException(KerasRegistry.UnknownClassMessage(unknown));
        string className = json["class_name"]?.GetValue<string>() ?? throw new KerasFormatException("The model config has no class_name.");
        return className switch
        {
            "Sequential" => LoadSequential(json["config"] ?? throw new KerasFormatException("The Sequential model has no config.")),
            "Functional" or "Model" => LoadFunctional(json["config"] as JsonObject ?? throw new KerasFormatException("The model config has no config object.")),
            _ => throw new KerasFormatException($"The file holds a {className}, not a Sequential or functional model."),
        };
    }

    /// <summary>Every layer class name in the config, nested models and wrapped layers included.</summary>
    private static IEnumerable<string> ClassNames(JsonObject json)
    {
        var config = json["config"];
        var layers = config is JsonArray list ? list : (config as JsonObject)?["layers"] as JsonArray;
        foreach (var entry in layers ?? [])
        {
            if (entry is not JsonObject layer || layer["class_name"] is not JsonValue className || className.GetValueKind() != System.Text.Json.JsonValueKind.String)
                continue;
            string name = className.GetValue<string>();
            if (name is "Sequential" or "Functional" or "Model")
            {
                foreach (var inner in ClassNames(layer)) yield return inner;
                continue;
            }
            if (name is not ("InputLayer" or "Lambda")) yield return name;
        }
    }

    private static Sequential LoadSequential(JsonNode config)
    {
        // Keras ≤ 2.2 wrote a bare list of layers; later versions {"name": ..., "layers": [...]}.
        var layers = config as JsonArray ?? (config as JsonObject)?["layers"] as JsonArray ?? throw new KerasFormatException("Sequential config has no layers list.");
        string? name = OptionalString((config as JsonObject)?["name"], "the model's name");
        var stack = new List<Layer>();
        foreach (var entry in layers.OfType<JsonObject>())
        {
            var layerConfig = entry["config"] as JsonObject;
            var batchShape = layerConfig is null ? null : new LayerConfig(layerConfig, OptionalString(entry["class_name"], "a layer's class_name")).Get<int?[]>("batch_input_shape");
            var layer = KerasRegistry.DeserializeLayer(entry);
            if (stack.Count == 0 && layer is not InputLayer && batchShape is not null)
                stack.Add(new InputLayer(batchShape[1..], batchShape[0], layer.DType, layer.Name + "_input"));
            stack.Add(layer);
        }
        try
        {
            return new Sequential(stack, name);
        }
        catch (ArgumentException e)
        {
            throw new KerasFormatException($"The Sequential model's layers do not fit together: {e.Message}", e);
        }
    }

    /// <summary>A layer of the config and its calls still to make, in file order.</summary>
    private sealed record PendingLayer(string Name, Layer Layer, Queue<JsonNode> Calls);

    private static Model LoadFunctional(JsonObject config)
    {
        var layers = config["layers"] as JsonArray ?? throw new KerasFormatException("Functional config has no layers.");
        var byName = new Dictionary<string, Layer>();
        var pending = new List<PendingLayer>();
        // The outputs of each call made while rebuilding, under the index the file uses for it.
        var calls = new Dictionary<(string Layer, int Node), IReadOnlyList<KerasTensor>>();
        foreach (var entry in layers.OfType<JsonObject>())
        {
            var layer = KerasRegistry.DeserializeLayer(entry);
            string name = entry["name"] is JsonValue entryName && entryName.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? entryName.GetValue<string>() : layer.Name;
            if (!byName.TryAdd(name, layer))
                throw new KerasFormatException($"The model config defines layer '{name}' twice; layer names must be unique.");
            if (layer is InputLayer input) calls[(name, 0)] = [input.Tensor];
            var nodes = new Queue<JsonNode>((entry["inbound_nodes"] as JsonArray ?? []).Where(n => n is not null)!);
            if (nodes.Count > 0) pending.Add(new PendingLayer(name, layer, nodes));
        }
        // Our nested models keep Keras 2's own node at index 0, so their calls are 1, 2, …; the canonical (Keras 3) node
        // references number them from 0.
        var made = byName.Keys.ToDictionary(n => n, n => byName[n] is Model ? 1 : 0);

        // Sweeps over the layers in file order, making each layer's calls in its own file order (so a shared layer's
        // calls get the node indices the file gives them) as soon as their inputs exist. Keras writes layers in an
        // order where one sweep makes everything: loading is linear in the size of the config.
        int remaining = pending.Sum(p => p.Calls.Count);
        while (remaining > 0)
        {
            bool progress = false;
            foreach (var (name, layer, queue) in pending)
            {
                while (queue.Count > 0)
                {
                    var spec = queue.Peek();
                    var inputs = ResolveInputs(spec, layer.TensorArgumentNames, calls, byName, out bool asList);
                    if (inputs is null || !ResolveMasks(spec, inputs.Count, calls, byName, out var masks)) break;
                    var arguments = CallArguments(spec, name, layer);
                    IReadOnlyList<KerasTensor> outputs;
                    try
                    {
                        bool? training = TrainingArgument(spec);
                        outputs = layer.CallSymbolic(asList ? inputs : [inputs[0]], asList, training, masks, arguments);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        // The layers of the config do not fit the tensors the config feeds them.
                        throw new KerasFormatException($"Layer '{name}' ({layer.ClassName}) cannot be called as the config says: {e.Message}", e);
                    }
                    calls[(name, made[name]++)] = outputs;
                    queue.Dequeue();
                    remaining--;
                    progress = true;
                }
            }
            if (!progress)
            {
                var stuck = pending.Where(p => p.Calls.Count > 0).ToArray();
                var missing = stuck.SelectMany(p => p.Calls.SelectMany(References))
                    .Where(r => !byName.ContainsKey(r.Layer)).Select(r => r.Layer).Distinct().ToArray();
                throw new KerasFormatException(missing.Length > 0
                    ? $"The model config references layer(s) that it does not define: {string.Join(", ", missing)}."
                    : $"The model config's inbound nodes cannot be resolved (a cycle or a missing node index) at layer '{stuck[0].Name}'.");
            }
        }

        IReadOnlyList<KerasTensor> Endpoints(string key)
        {
            // Keras 3 may write one endpoint unwrapped (["name", 0, 0]) or a dictionary of them by output name.
            var endpoints = config[key] switch
            {
                JsonArray single when single.Count == 3 && single[0] is JsonValue => [single],
                JsonArray list => list.OfType<JsonArray>().ToArray(),
                // Keras flattens a dict of outputs in sorted key order (tree.flatten), which is the order of model.outputs.
                JsonObject named => named.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).OfType<JsonArray>().ToArray(),
                _ => throw new KerasFormatException($"Functional config has no {key}."),
            };
            // Both formats number a nested model's calls from 1 here (its own node counts), unlike Keras 3's node args.
            return endpoints.Select(e => Reference(e, key) is var (layer, node, tensor)
                ? Lookup(calls, byName, nodeArgument: false, layer, node, tensor)
                    ?? throw new KerasFormatException($"The model's {key} refer to '{layer}' node {node} tensor {tensor}, which the config does not make.")
                : null!).ToArray();
        }
        var modelInputs = Endpoints("input_layers");
        var modelOutputs = Endpoints("output_layers");
        Model model;
        try
        {
            model = new Model(modelInputs, modelOutputs, OptionalString(config["name"], "the model's name"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new KerasFormatException($"The model's inputs and outputs do not make a graph: {e.Message}", e);
        }
        if (config["trainable"] is JsonValue trainable && trainable.GetValueKind() == System.Text.Json.JsonValueKind.False) model.Trainable = false;
        return model;
    }

    private static KerasTensor? Lookup(Dictionary<(string, int), IReadOnlyList<KerasTensor>> calls, Dictionary<string, Layer> byName,
        bool nodeArgument, string layer, int node, int tensor)
    {
        if (nodeArgument && byName.TryGetValue(layer, out var made) && made is Model) node++;
        return calls.TryGetValue((layer, node), out var outputs) && tensor < outputs.Count ? outputs[tensor] : null;
    }

    /// <summary>The <c>__keras_tensor__</c> references anywhere in a node spec (canonical form).</summary>
    private static IEnumerable<(string Layer, int Node, int Tensor)> References(JsonNode spec)
    {
        switch (spec)
        {
            case JsonObject { } obj when obj["class_name"] is JsonValue c && c.GetValueKind() == System.Text.Json.JsonValueKind.String && c.GetValue<string>() == "__keras_tensor__":
                yield return Reference((obj["config"] as JsonObject)?["keras_history"] as JsonArray
                    ?? throw new KerasFormatException($"A __keras_tensor__ has no keras_history: {LayerConfig.Shorten(obj)}"), "keras_history");
                break;
            case JsonObject obj:
                foreach (var child in obj.Select(p => p.Value).Where(v => v is not null))
                    foreach (var r in References(child!)) yield return r;
                break;
            case JsonArray array:
                foreach (var child in array.Where(c => c is not null))
                    foreach (var r in References(child!)) yield return r;
                break;
        }
    }

    /// <summary>
    /// The tensors a node <c>{"args": [x or [x, y]], "kwargs": {"initial_state": [...], "mask": ...}}</c> refers to, or
    /// null while some are not made yet. Tensors given as further positional arguments or as the layer's named tensor
    /// arguments (<paramref name="argumentNames"/>, <c>initial_state</c>) join the list.
    /// </summary>
    private static IReadOnlyList<KerasTensor>? ResolveInputs(JsonNode spec, IReadOnlyList<string>? argumentNames,
        Dictionary<(string, int), IReadOnlyList<KerasTensor>> calls, Dictionary<string, Layer> byName, out bool asList)
    {
        if (spec is not JsonObject node || !node.ContainsKey("args"))
            throw new KerasFormatException($"An inbound node should be {{\"args\": [...], \"kwargs\": {{...}}}} or a list of [layer name, node index, tensor index]. Received: {LayerConfig.Shorten(spec)}");
        var args = node["args"] as JsonArray ?? [];
        var first = args.Count > 0 ? args[0] : null;
        var further = args.Skip(1).Where(a => a is not null).SelectMany(a => References(a!));
        var named = (argumentNames ?? []).Append("initial_state").Select(k => (node["kwargs"] as JsonObject)?[k]).Where(v => v is not null)
            .SelectMany(v => References(v!));
        var rest = further.Concat(named).ToArray();
        var references = (first is null ? [] : References(first)).Concat(rest);
        asList = first is JsonArray || rest.Length > 0;
        var tensors = new List<KerasTensor>();
        foreach (var (layer, index, tensor) in references)
        {
            if (!byName.ContainsKey(layer)) return null;
            var resolved = Lookup(calls, byName, nodeArgument: true, layer, index, tensor);
            if (resolved is null) return null;
            tensors.Add(resolved);
        }
        return tensors.Count == 0 ? null : tensors;
    }

    /// <summary>
    /// The call's <c>mask</c> argument (a tensor, or a list with one entry per input, null where none): false while a
    /// mask is not made yet; <paramref name="masks"/> is null when the call gave none.
    /// </summary>
    private static bool ResolveMasks(JsonNode spec, int inputCount, Dictionary<(string, int), IReadOnlyList<KerasTensor>> calls,
        Dictionary<string, Layer> byName, out IReadOnlyList<KerasTensor?>? masks)
    {
        masks = null;
        var given = (spec["kwargs"] as JsonObject)?["mask"];
        if (given is null) return true;
        var entries = given is JsonArray list ? list.ToArray() : [given];
        if (entries.All(e => e is null)) return true;
        var resolved = new KerasTensor?[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i] is null) continue;
            var references = References(entries[i]!).ToArray();
            if (references.Length != 1)
                throw new KerasFormatException($"A node's mask argument should hold one tensor per input. Received: {LayerConfig.Shorten(given)}");
            var (layer, index, tensor) = references[0];
            if (!byName.ContainsKey(layer)) return false;
            resolved[i] = Lookup(calls, byName, nodeArgument: true, layer, index, tensor);
            if (resolved[i] is null) return false;
        }
        if (resolved.Length != inputCount)
            throw new KerasFormatException($"A node gives {resolved.Length} masks for {inputCount} inputs. Received: {LayerConfig.Shorten(given)}");
        masks = resolved;
        return true;
    }

    /// <summary>
    /// A node's non-tensor call arguments beside training and mask (its <c>kwargs</c>), read as the types of the layer's
    /// <see cref="Layer.CallArgumentDefaults"/>. Tensors (named tensor arguments, initial_state, mask) are read elsewhere;
    /// null means not given; any other argument would change what the call computes, so it is refused, not dropped.
    /// </summary>
    private static Dictionary<string, object?> CallArguments(JsonNode spec, string name, Layer layer)
    {
        var arguments = new Dictionary<string, object?>();
        if (spec["kwargs"] is not JsonObject kwargs) return arguments;
        var defaults = layer.CallArgumentDefaults;
        var tensorArguments = layer.TensorArgumentNames ?? [];
        foreach (var (key, value) in kwargs)
        {
            if (key is "training" or "mask" or "initial_state" || tensorArguments.Contains(key) || value is null) continue;
            if (!defaults.TryGetValue(key, out var fallback))
                throw new KerasFormatException(
                    $"Layer '{name}' ({layer.ClassName}) is called with '{key}' ({Describe(value)}), a call argument TfFunctional's {layer.ClassName} does not take; ignoring it would change what the call computes.");
            var kind = value.GetValueKind();
            arguments[key] = fallback switch
            {
                bool when kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => value.GetValue<bool>(),
                int when kind == System.Text.Json.JsonValueKind.Number && value is JsonValue number && number.TryGetValue(out int whole) => whole,
                double when kind == System.Text.Json.JsonValueKind.Number => double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
                string when kind == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
                _ => throw new KerasFormatException(
                    $"Layer '{name}' ({layer.ClassName}): call argument '{key}' should be a {fallback.GetType().Name}. Received: {key}={LayerConfig.Shorten(value)}"),
            };
        }
        return arguments;
    }

    /// <summary>A kwargs value for a message: a tensor by the layer that makes it, anything else as written.</summary>
    private static string Describe(JsonNode value) =>
        value is JsonObject { } tensor && tensor["class_name"] is JsonValue kind && kind.GetValueKind() == System.Text.Json.JsonValueKind.String
            && kind.GetValue<string>() == "__keras_tensor__" && tensor["config"] is JsonObject config && config["keras_history"] is JsonArray { Count: > 0 } history
            ? $"a tensor of layer {LayerConfig.Shorten(history[0])}"
            : LayerConfig.Shorten(value);

    /// <summary>A tensor reference <c>[layer name, node index, tensor index(, kwargs)]</c>, checked.</summary>
    private static (string Layer, int Node, int Tensor) Reference(JsonArray reference, string where)
    {
        if (reference.Count >= 3 && reference[0] is JsonValue name && name.GetValueKind() == System.Text.Json.JsonValueKind.String
            && reference[1] is JsonValue node && node.TryGetValue(out int nodeIndex) && nodeIndex >= 0
            && reference[2] is JsonValue tensor && tensor.TryGetValue(out int tensorIndex) && tensorIndex >= 0)
            return (name.GetValue<string>(), nodeIndex, tensorIndex);
        throw new KerasFormatException(
            $"A tensor reference in {where} should be [layer name, node index, tensor index]. Received: {LayerConfig.Shorten(reference)}");
    }

    private static string? OptionalString(JsonNode? node, string what) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
        _ => throw new KerasFormatException($"{what} should be a string. Received: {LayerConfig.Shorten(node)}"),
    };

    /// <summary>
    /// A node's <c>training</c> call argument (its <c>kwargs</c>): true or false
    /// fixes the mode of that call, absent or null follows the model.
    /// </summary>
    private static bool? TrainingArgument(JsonNode spec)
    {
        return (spec["kwargs"] as JsonObject)?["training"] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.True => true,
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.False => false,
            var other => throw new KerasFormatException($"A node's 'training' call argument should be true, false or null. Received: {LayerConfig.Shorten(other)}"),
        };
    }
}
