namespace TfFunctional.Constraints;

/// <summary>Sets negative weights to zero.</summary>
public sealed class NonNeg : Constraint
{
    /// <inheritdoc />
    public override Tensor Call(Tensor w) => Ops.Relu(w);

    /// <summary>Makes the constraint from its Keras config; a missing entry means the constructor's default.</summary>
    public static NonNeg FromConfig(Layers.LayerConfig config) => config.Construct<NonNeg>();
}
