namespace TfFunctional.Layers;

/// <summary>Takes the element-wise minimum of its inputs.</summary>
public sealed class Minimum(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Minimum);
}
