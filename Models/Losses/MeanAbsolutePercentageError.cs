namespace TfFunctional.Losses;

/// <summary><c>100·mean(|y − p| / max(|y|, ε), axis=-1)</c>.</summary>
public sealed class MeanAbsolutePercentageError(string name = "mean_absolute_percentage_error") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Align(yTrue, yPred);
        var ratio = Ops.Divide(Ops.Abs(Ops.Subtract(y, yPred)), Ops.ClipMin(Ops.Abs(y), Epsilon));
        return Ops.Multiply(Ops.Mean(ratio, -1), 100.0);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static MeanAbsolutePercentageError FromConfig(Layers.LayerConfig config) => config.Construct<MeanAbsolutePercentageError>();
}
