namespace TfFunctional.Layers;

/// <summary>Average pooling over steps, as Keras's AveragePooling1D (strides default to the pool size).</summary>
public sealed class AveragePooling1D(IntOrTuple? poolSize = null, IntOrTuple? strides = null, string padding = "valid", string? dataFormat = null,
    string? name = null, ShapeArgument? inputShape = null)
    : Pooling(1, false, poolSize ?? 2, strides, padding, dataFormat, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static AveragePooling1D FromConfig(LayerConfig config) => config.Construct<AveragePooling1D>();
}
