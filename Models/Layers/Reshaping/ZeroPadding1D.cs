namespace TfFunctional.Layers;

/// <summary>Adds zeros at the start and end of the steps (Keras default 1 each).</summary>
public sealed class ZeroPadding1D(IntOrTuple? padding = null, string? name = null, ShapeArgument? inputShape = null)
    : SpatialMargins(1, Expand(1, (padding ?? 1).Values, null), "channels_last", false, name, inputShape)
{
    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("padding", Margins[0]);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static ZeroPadding1D FromConfig(LayerConfig config) => config.Construct<ZeroPadding1D>();
}
