namespace TfFunctional.Initializers;

/// <summary>All zeros.</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.Zeros(shape, dtype);
}
