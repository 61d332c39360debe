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
}
