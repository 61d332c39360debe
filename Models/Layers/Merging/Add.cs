namespace TfFunctional.Layers;

/// <summary>Adds its inputs element-wise.</summary>
public sealed class Add(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Add);
}
