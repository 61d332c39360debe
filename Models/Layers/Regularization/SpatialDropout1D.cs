namespace TfFunctional.Layers;

/// <summary>Drops whole feature channels of sequences (batch, steps, channels) while training.</summary>
public sealed class SpatialDropout1D(double rate, string? name = null, ShapeArgument? inputShape = null)
    : SpatialDropout(1, rate, "channels_last", name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static SpatialDropout1D FromConfig(LayerConfig config) => config.Construct<SpatialDropout1D>();
}
