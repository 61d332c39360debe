namespace TfFunctional.Layers;

/// <summary>Averages its inputs element-wise.</summary>
public sealed class Average(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Ops.Divide(Fold(inputs, Ops.Add), inputs.Count);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Average FromConfig(LayerConfig config) => config.Construct<Average>();
}
