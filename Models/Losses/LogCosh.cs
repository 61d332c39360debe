namespace TfFunctional.Losses;

/// <summary><c>mean(log(cosh(p − y)), axis=-1)</c>, computed as <c>x + softplus(−2x) − log 2</c>.</summary>
public sealed class LogCosh(string name = "log_cosh") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var x = Ops.Subtract(yPred, Align(yTrue, yPred));
        var value = Ops.Subtract(Ops.Add(x, Ops.Softplus(Ops.Multiply(x, -2.0))), Ops.Full([], Math.Log(2.0), yPred.DType));
        return Ops.Mean(value, -1);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static LogCosh FromConfig(Layers.LayerConfig config) => config.Construct<LogCosh>();
}
