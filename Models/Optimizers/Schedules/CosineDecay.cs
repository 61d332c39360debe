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
}
