namespace TfFunctional.Layers;

/// <summary>Average pooling over three spatial axes, as Keras's AveragePooling3D (strides default to the pool size).</summary>
public sealed class AveragePooling3D(IntOrTuple? poolSize = null, IntOrTuple? strides = null, string padding = "valid", string? dataFormat = null,
    string? name = null, ShapeArgument? inputShape = null)
    : Pooling(3, false, poolSize ?? 2, strides, padding, dataFormat, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static AveragePooling3D FromConfig(LayerConfig config) => config.Construct<AveragePooling3D>();
}
