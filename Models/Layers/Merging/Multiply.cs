namespace TfFunctional.Layers;

/// <summary>Multiplies its inputs element-wise.</summary>
public sealed class Multiply(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Multiply);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Multiply FromConfig(LayerConfig config) => config.Construct<Multiply>();
}
