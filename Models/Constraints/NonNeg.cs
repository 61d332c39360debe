namespace TfFunctional.Constraints;

/// <summary>Sets negative weights to zero.</summary>
public sealed class NonNeg : Constraint
{
    /// <inheritdoc />
    public override Tensor Call(Tensor w) => Ops.Relu(w);
}
