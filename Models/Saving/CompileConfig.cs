using System.Text.Json.Nodes;
using TfFunctional.Losses;
using TfFunctional.Optimizers;

namespace TfFunctional.Saving;

/// <summary>
/// Restores <c>Compile</c> from what a file recorded: Keras 3's <c>compile_config</c> or Keras 2's
/// <c>training_config</c> (optimizer with its learning rate, losses, loss weights and metrics, by name or object).
/// </summary>
internal static class CompileConfig
{
    public static void Apply(Model model, JsonObject config, string fileName)
    {
        try
        {
            var optimizer = OptimizerOf(config["optimizer"] ?? config["optimizer_config"]);
            var losses = LossesOf(config["loss"], model);
            var weights = config["loss_weights"] switch
            {
                JsonArray list => (OutputLossWeights?)OutputLossWeights.Create(list.Select(v => v!.GetValue<double>()).ToArray()),
                JsonObject named => named.ToDictionary(p => p.Key, p => p.Value!.GetValue<double>()),
                _ => null,
            };
            var metrics = config["metrics"] is JsonArray list2 && list2.Count > 0
                ? OutputMetrics.Create(list2.Where(m => m is not null).Select(m => (MetricSpec)MetricName(m!)).ToArray())
                : null;
            model.Compile(optimizer, losses, weights, metrics);
        }
        catch (ArgumentException e)
        {
            throw new KerasFormatException($"{fileName}: its training configuration cannot be restored ({e.Message}). Load it with compile: false and call Compile.", e);
        }
    }

    private static Optimizer? OptimizerOf(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue name:
                return Optimizer.Get(name.GetValue<string>());
            case JsonObject json:
                var optimizer = Optimizer.Get(json["class_name"]!.GetValue<string>());
                var settings = json["config"] as JsonObject;
                var rate = settings?["learning_rate"] ?? settings?["lr"];
                if (rate is JsonValue value && value.TryGetValue(out double learningRate)) optimizer.LearningRate = learningRate;
                return optimizer;
            default:
                return null;
        }
    }

    private static OutputLosses? LossesOf(JsonNode? node, Model model) => node switch
    {
        null => null,
        JsonValue name => name.GetValue<string>(),
        JsonArray list => OutputLosses.Create(list.Select(LossOf).ToArray()),
        JsonObject json when json.ContainsKey("class_name") => ObjectLoss(json),
        JsonObject named => named.ToDictionary(p => p.Key, p => LossOf(p.Value)),
        _ => throw new ArgumentException($"unreadable loss {node.ToJsonString()}"),
    };

    private static Loss? LossOf(JsonNode? node) => node switch
    {
        null => null,
        JsonValue name => Loss.Get(name.GetValue<string>()),
        JsonObject json => ObjectLoss(json),
        _ => throw new ArgumentException($"unreadable loss {node.ToJsonString()}"),
    };

    private static Loss ObjectLoss(JsonObject json)
    {
        string className = json["class_name"]!.GetValue<string>();
        var settings = json["config"] as JsonObject;
        bool fromLogits = settings?["from_logits"]?.GetValue<bool>() ?? false;
        double smoothing = settings?["label_smoothing"]?.GetValue<double>() ?? 0;
        return className switch
        {
            "BinaryCrossentropy" => new BinaryCrossentropy(fromLogits, smoothing),
            "CategoricalCrossentropy" => new CategoricalCrossentropy(fromLogits, smoothing),
            "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(fromLogits),
            "LossFunctionWrapper" => Loss.Get(settings?["fn"]?.GetValue<string>() ?? settings?["name"]?.GetValue<string>() ?? className),
            _ => Loss.Get(className),
        };
    }

    private static string MetricName(JsonNode node) => node switch
    {
        JsonValue name => name.GetValue<string>(),
        JsonObject json => json["config"]?["name"]?.GetValue<string>() ?? json["class_name"]!.GetValue<string>(),
        _ => throw new ArgumentException($"unreadable metric {node.ToJsonString()}"),
    };
}
