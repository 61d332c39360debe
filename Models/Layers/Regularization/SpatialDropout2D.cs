namespace TfFunctional.Layers;

/// <summary>Drops whole feature maps of images while training.</summary>
public sealed class SpatialDropout2D(double rate, string? dataFormat = null, string? name = null, ShapeArgument? inputShape = null)
    : SpatialDropout(2, rate, dataFormat, name, inputShape)
{
    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("data_format", DataFormat);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static SpatialDropout2D FromConfig(LayerConfig config) => config.Construct<SpatialDropout2D>();
}
