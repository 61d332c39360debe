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
}
