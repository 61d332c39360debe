namespace TfFunctional.Initializers;

/// <summary>All ones.</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.Ones(shape, dtype);

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Ones FromConfig(Layers.LayerConfig config) => config.Construct<Ones>();
}
