namespace TfFunctional.Losses;

/// <summary><c>mean(max(1 − y·p, 0)², axis=-1)</c>; 0/1 labels are converted to −1/1.</summary>
public sealed class SquaredHinge(string name = "squared_hinge") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = SignedLabels(Align(yTrue, yPred));
        return Ops.Mean(Ops.Square(Ops.Relu(Ops.Subtract(Ops.Ones([1], yPred.DType), Ops.Multiply(y, yPred)))), -1);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static SquaredHinge FromConfig(Layers.LayerConfig config) => config.Construct<SquaredHinge>();
}
