namespace TfFunctional.Layers;

/// <summary>Takes the element-wise maximum of its inputs.</summary>
public sealed class Maximum(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Maximum);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Maximum FromConfig(LayerConfig config) => config.Construct<Maximum>();
}
