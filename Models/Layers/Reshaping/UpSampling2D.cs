namespace TfFunctional.Layers;

/// <summary>Scales rows and columns by <c>size</c> (Keras default (2, 2)), nearest or bilinear.</summary>
public sealed class UpSampling2D(IntOrTuple? size = null, string? dataFormat = null, string interpolation = "nearest", string? name = null,
    ShapeArgument? inputShape = null) : UpSampling(2, size ?? 2, dataFormat, interpolation, name, inputShape)
{
    /// <inheritdoc />
    public override LayerConfig GetConfig() =>
        base.GetConfig().With("size", Size).With("data_format", DataFormat).With("interpolation", Interpolation);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static UpSampling2D FromConfig(LayerConfig config) => config.Construct<UpSampling2D>();
}
