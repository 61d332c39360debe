namespace TfFunctional.Layers;

/// <summary>Subtracts its second input from its first (exactly two inputs).</summary>
public sealed class Subtract(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override int? ExactInputCount => 2;

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Ops.Subtract(inputs[0], inputs[1]);
}
