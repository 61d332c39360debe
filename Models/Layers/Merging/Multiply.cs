namespace TfFunctional.Layers;

/// <summary>Multiplies its inputs element-wise.</summary>
public sealed class Multiply(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Multiply);
}
