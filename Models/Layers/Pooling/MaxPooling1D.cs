namespace TfFunctional.Layers;

/// <summary>Maximum pooling over steps, as Keras's MaxPooling1D (strides default to the pool size).</summary>
public sealed class MaxPooling1D(IntOrTuple? poolSize = null, IntOrTuple? strides = null, string padding = "valid", string? dataFormat = null,
    string? name = null, ShapeArgument? inputShape = null)
    : Pooling(1, true, poolSize ?? 2, strides, padding, dataFormat, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static MaxPooling1D FromConfig(LayerConfig config) => config.Construct<MaxPooling1D>();
}
