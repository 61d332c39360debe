namespace TfFunctional.Losses;

/// <summary><c>max(0, 1 + max((1 − y)·p) − sum(y·p))</c> on one-hot targets.</summary>
public sealed class CategoricalHinge(string name = "categorical_hinge") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Align(yTrue, yPred);
        var positive = Ops.Sum(Ops.Multiply(y, yPred), -1);
        var negative = Ops.Max(Ops.Multiply(Ops.Subtract(Ops.Ones([1], yPred.DType), y), yPred), -1);
        return Ops.Relu(Ops.Add(Ops.Subtract(negative, positive), Ops.Ones([1], yPred.DType)));
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static CategoricalHinge FromConfig(Layers.LayerConfig config) => config.Construct<CategoricalHinge>();
}
