namespace TfFunctional.Optimizers;

/// <summary>A learning rate that depends on the optimizer's step, as Keras's LearningRateSchedule.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (the optimizer's iterations so far).</summary>
    public abstract double Call(long step);
}
