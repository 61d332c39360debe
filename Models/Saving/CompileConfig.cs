using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Layers;
using TfFunctional.Losses;
using TfFunctional.Optimizers;

namespace TfFunctional.Saving;

/// <summary>
/// The compile configuration files record, written and read in one place: Keras 3's <c>compile_config</c> (in the
/// <c>.keras</c> config.json) and Keras 2's <c>training_config</c> (a legacy <c>.h5</c> attribute): the optimizer with
/// every argument (a learning-rate schedule included), the losses, the loss weights and the metrics, per output by name.
/// </summary>
internal static class CompileConfig
{
    /// <summary>The compile config of a compiled model in <paramref name="format"/>'s form, or null when it was not compiled.</summary>
    public static JsonObject? Serialize(Model model, ConfigFormat format)
    {
        if (model.CompileArguments is not { } compiled) return null;
        var names = model.OutputNames;
        bool single = names.Count == 1;
        JsonNode? Object(IKerasSerializable value, string module) => Wrap(value.ToConfigJson(), module, format);

        JsonNode? losses = compiled.Losses.All(l => l is null) ? null
            : single ? Object(compiled.Losses[0]!, "keras.losses")
            : new JsonObject(names.Select((n, i) => KeyValuePair.Create(n, compiled.Losses[i] is { } loss ? Object(loss, "keras.losses") : null)));
        JsonNode? weights = compiled.LossWeights.All(w => w == 1.0) ? null
            : new JsonObject(names.Select((n, i) => KeyValuePair.Create(n, (JsonNode?)compiled.LossWeights[i])));
        JsonNode Metrics(Metrics.Metric[] metrics) => new JsonArray(metrics.Select(m => (JsonNode)m.Name).ToArray());
        JsonNode? metrics = compiled.Metrics.All(m => m.Length == 0) ? null
            : single ? Metrics(compiled.Metrics[0])
            : new JsonObject(names.Select((n, i) => KeyValuePair.Create(n, (JsonNode?)Metrics(compiled.Metrics[i]))));
        var optimizer = Object(compiled.Optimizer, "keras.optimizers");
        return format == ConfigFormat.Keras3
            ? new JsonObject
            {
                ["optimizer"] = optimizer, ["loss"] = losses, ["loss_weights"] = weights, ["metrics"] = metrics,
                ["weighted_metrics"] = null, ["run_eagerly"] = false, ["steps_per_execution"] = 1, ["jit_compile"] = false,
            }
            : new JsonObject
            {
                ["loss"] = losses, ["metrics"] = metrics, ["weighted_metrics"] = null, ["loss_weights"] = weights,
                ["optimizer_config"] = optimizer,
            };
    }

    /// <summary>Keras 3 writes each object with its module; the schedule inside an optimizer's config too.</summary>
    private static JsonNode? Wrap(JsonNode? value, string module, ConfigFormat format)
    {
        if (format == ConfigFormat.Keras2 || value is not JsonObject entry) return value;
        if (entry["config"] is JsonObject config && config["learning_rate"] is JsonObject schedule)
            config["learning_rate"] = Wrap(schedule.DeepClone(), "keras.optimizers.schedules", format);
        return new JsonObject
        {
            ["module"] = module, ["class_name"] = entry["class_name"]?.DeepClone(), ["config"] = entry["config"]?.DeepClone(), ["registered_name"] = null,
        };
    }

    /// <summary>Calls <c>Compile</c> with what the file recorded.</summary>
    /// <exception cref="KerasFormatException">The training configuration is malformed or names what does not exist here.</exception>
    public static void Apply(Model model, JsonObject config, string fileName)
    {
        var owner = new LayerConfig(config, "training configuration");
        try
        {
            var optimizerNode = config["optimizer"] ?? config["optimizer_config"];
            var optimizer = optimizerNode switch
            {
                null => null,
                JsonObject entry => KerasRegistry.Deserialize<Optimizer>(ConfigUpgrade.UpgradeOptimizer(entry), owner, "optimizer"),
                _ => KerasRegistry.Deserialize<Optimizer>(optimizerNode, owner, "optimizer"),
            };
            var losses = LossesOf(config["loss"], owner);
            var weights = config["loss_weights"] switch
            {
                null => null,
                JsonArray list => (OutputLossWeights?)OutputLossWeights.Create(list.Select((v, i) => Number(v, owner, $"loss_weights[{i}]")).ToArray()),
                JsonObject named => named.ToDictionary(p => p.Key, p => Number(p.Value, owner, $"loss_weights.{p.Key}")),
                var other => throw new KerasFormatException($"'loss_weights' should be a list or a dictionary. Received: {LayerConfig.Shorten(other)}"),
            };
            var metrics = config["metrics"] switch
            {
                null => null,
                // Keras 2 wrote per-output metrics as a list of lists, in output order.
                JsonArray list when list.Any(m => m is JsonArray) => (OutputMetrics?)list.Select((m, i) => (Name: i < model.OutputNames.Count ? model.OutputNames[i]
                        : throw new KerasFormatException($"'metrics' lists {list.Count} outputs, but the model has {model.OutputNames.Count}."),
                    Metrics: (m as JsonArray ?? [m?.DeepClone()]).Where(x => x is not null).Select(x => (MetricSpec)MetricName(x!)).ToArray()))
                    .ToDictionary(p => p.Name, p => p.Metrics),
                JsonArray { Count: > 0 } list => OutputMetrics.Create(list.Where(m => m is not null).Select(m => (MetricSpec)MetricName(m!)).ToArray()),
                JsonArray => null,
                JsonObject named => (OutputMetrics?)named.ToDictionary(p => p.Key,
                    p => (p.Value as JsonArray ?? [p.Value?.DeepClone()]).Where(m => m is not null).Select(m => (MetricSpec)MetricName(m!)).ToArray()),
                var other => throw new KerasFormatException($"'metrics' should be a list or a dictionary. Received: {LayerConfig.Shorten(other)}"),
            };
            model.Compile(optimizer, losses, weights, metrics);
        }
        catch (KerasFormatException e)
        {
            throw new KerasFormatException($"{fileName}: its training configuration cannot be restored: {e.Message} Load it with compile: false and call Compile.", e);
        }
        catch (ArgumentException e)
        {
            throw new KerasFormatException($"{fileName}: its training configuration cannot be restored ({e.Message}). Load it with compile: false and call Compile.", e);
        }
    }

    /// <summary>A number of the compile config, read as every config number is (<see cref="ConfigValues"/>).</summary>
    private static double Number(JsonNode? node, LayerConfig owner, string entry) =>
        node is null ? throw new KerasFormatException($"'{entry}' should be a number. Received: null")
            : (double)ConfigValues.Read(typeof(double), node, owner, entry)!;

    private static OutputLosses? LossesOf(JsonNode? node, LayerConfig owner) => node switch
    {
        null => null,
        JsonValue => LossOf(node, owner, "loss")!,
        JsonArray list => OutputLosses.Create(list.Select((l, i) => LossOf(l, owner, $"loss[{i}]")).ToArray()),
        JsonObject json when json.ContainsKey("class_name") => LossOf(json, owner, "loss")!,
        // An output whose loss is null has none, as one the dictionary leaves out.
        JsonObject named => named.Select(p => (p.Key, Loss: LossOf(p.Value, owner, $"loss.{p.Key}"))).Where(p => p.Loss is not null)
            .ToDictionary(p => p.Key, p => p.Loss!),
        _ => throw new KerasFormatException($"'loss' cannot be read: {LayerConfig.Shorten(node)}"),
    };

    private static Loss? LossOf(JsonNode? node, LayerConfig owner, string key)
    {
        if (node is null) return null;
        if (node is JsonObject json)
        {
            var entry = ConfigUpgrade.StripModules(json);
            // Keras 2 wrapped loss functions given by name: {"class_name": "LossFunctionWrapper", "config": {"fn": "mse"}}.
            if (entry["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String && c.GetValue<string>() == "LossFunctionWrapper")
                node = entry["config"]?["fn"] ?? entry["config"]?["name"] ?? throw new KerasFormatException($"'{key}' is a LossFunctionWrapper without a function name.");
            else
                node = entry;
        }
        return KerasRegistry.Deserialize<Loss>(node, owner, key);
    }

    private static string MetricName(JsonNode node) => node switch
    {
        JsonValue name when name.GetValueKind() == JsonValueKind.String => name.GetValue<string>(),
        JsonObject json => json["config"]?["name"]?.GetValue<string>() ?? json["class_name"]?.GetValue<string>()
            ?? throw new KerasFormatException($"a metric entry has neither a name nor a class_name: {LayerConfig.Shorten(json)}"),
        _ => throw new KerasFormatException($"a metric entry cannot be read: {LayerConfig.Shorten(node)}"),
    };
}
