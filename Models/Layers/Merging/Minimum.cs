namespace TfFunctional.Layers;

/// <summary>Takes the element-wise minimum of its inputs.</summary>
public sealed class Minimum(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Minimum);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Minimum FromConfig(LayerConfig config) => config.Construct<Minimum>();
}
