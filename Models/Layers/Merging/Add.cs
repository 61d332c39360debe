namespace TfFunctional.Layers;

/// <summary>Adds its inputs element-wise.</summary>
public sealed class Add(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Fold(inputs, Ops.Add);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Add FromConfig(LayerConfig config) => config.Construct<Add>();
}
