namespace TfFunctional.Losses;

/// <summary><c>mean(p − y·log(p + ε), axis=-1)</c>.</summary>
public sealed class Poisson(string name = "poisson") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Align(yTrue, yPred);
        return Ops.Mean(Ops.Subtract(yPred, Ops.Multiply(y, Ops.Log(Ops.Add(yPred, Ops.Full([], Epsilon, yPred.DType))))), -1);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static Poisson FromConfig(Layers.LayerConfig config) => config.Construct<Poisson>();
}
