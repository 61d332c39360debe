namespace TfFunctional.Optimizers;

/// <summary><c>lr / (1 + rate · step / decaySteps)</c>, the quotient floored with <c>staircase</c>.</summary>
public sealed class InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Call(long step)
    {
        double p = (double)step / decaySteps;
        return initialLearningRate / (1 + decayRate * (staircase ? Math.Floor(p) : p));
    }

    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = initialLearningRate, ["decay_steps"] = decaySteps, ["decay_rate"] = decayRate, ["staircase"] = staircase,
    };

    /// <summary>Makes the schedule from its Keras config; a missing entry means the constructor's default.</summary>
    public static InverseTimeDecay FromConfig(Layers.LayerConfig config) => config.Construct<InverseTimeDecay>();
}
