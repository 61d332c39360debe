namespace TfFunctional.Losses;

/// <summary><c>mean((log(max(p, ε) + 1) − log(max(y, ε) + 1))², axis=-1)</c>.</summary>
public sealed class MeanSquaredLogarithmicError(string name = "mean_squared_logarithmic_error") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Align(yTrue, yPred);
        var a = Ops.Log(Ops.Add(Ops.ClipMin(yPred, Epsilon), Ops.Ones([1], yPred.DType)));
        var b = Ops.Log(Ops.Add(Ops.ClipMin(y, Epsilon), Ops.Ones([1], yPred.DType)));
        return Ops.Mean(Ops.Square(Ops.Subtract(a, b)), -1);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static MeanSquaredLogarithmicError FromConfig(Layers.LayerConfig config) => config.Construct<MeanSquaredLogarithmicError>();
}
