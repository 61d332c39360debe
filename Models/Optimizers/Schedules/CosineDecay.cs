namespace TfFunctional.Optimizers;

/// <summary><c>lr · ((1 − alpha)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + alpha)</c>.</summary>
public sealed class CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Call(long step)
    {
        double completed = Math.Min(step, decaySteps) / (double)decaySteps;
        return initialLearningRate * ((1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * completed)) + alpha);
    }

    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = initialLearningRate, ["decay_steps"] = decaySteps, ["alpha"] = alpha,
    };

    /// <summary>Makes the schedule from its Keras config; a missing entry means the constructor's default.</summary>
    public static CosineDecay FromConfig(Layers.LayerConfig config) => config.Construct<CosineDecay>();
}
