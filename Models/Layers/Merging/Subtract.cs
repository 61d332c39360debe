namespace TfFunctional.Layers;

/// <summary>Subtracts its second input from its first (exactly two inputs).</summary>
public sealed class Subtract(string? name = null) : ElementwiseMerge(name)
{
    /// <inheritdoc />
    protected override int? ExactInputCount => 2;

    /// <inheritdoc />
    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Ops.Subtract(inputs[0], inputs[1]);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Subtract FromConfig(LayerConfig config) => config.Construct<Subtract>();
}
