namespace TfFunctional.Layers;

/// <summary>Drops whole feature maps of images while training.</summary>
public sealed class SpatialDropout2D(double rate, string? dataFormat = null, string? name = null, int?[]? inputShape = null)
    : SpatialDropout(2, rate, dataFormat, name, inputShape)
{
    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("data_format", DataFormat);
}
