namespace TfFunctional.Losses;

/// <summary><c>mean(abs(yTrue − yPred), axis=-1)</c>.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred) => Ops.Mean(Ops.Abs(Ops.Subtract(Align(yTrue, yPred), yPred)), -1);

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static MeanAbsoluteError FromConfig(Layers.LayerConfig config) => config.Construct<MeanAbsoluteError>();
}
