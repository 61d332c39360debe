namespace TfFunctional.Optimizers;

/// <summary><c>lr · rate^(step / decaySteps)</c>, the exponent floored with <c>staircase</c>.</summary>
public sealed class ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Call(long step)
    {
        double p = (double)step / decaySteps;
        return initialLearningRate * Math.Pow(decayRate, staircase ? Math.Floor(p) : p);
    }

    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = initialLearningRate, ["decay_steps"] = decaySteps, ["decay_rate"] = decayRate, ["staircase"] = staircase,
    };

    /// <summary>Makes the schedule from its Keras config; a missing entry means the constructor's default.</summary>
    public static ExponentialDecay FromConfig(Layers.LayerConfig config) => config.Construct<ExponentialDecay>();
}
