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
}
