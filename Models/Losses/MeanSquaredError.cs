namespace TfFunctional.Losses;

/// <summary><c>mean(square(yTrue − yPred), axis=-1)</c>.</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred) => Ops.Mean(Ops.Square(Ops.Subtract(Align(yTrue, yPred), yPred)), -1);

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static MeanSquaredError FromConfig(Layers.LayerConfig config) => config.Construct<MeanSquaredError>();
}
