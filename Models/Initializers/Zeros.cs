namespace TfFunctional.Initializers;

/// <summary>All zeros.</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.Zeros(shape, dtype);

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Zeros FromConfig(Layers.LayerConfig config) => config.Construct<Zeros>();
}
