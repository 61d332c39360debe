namespace TfFunctional.Layers;

/// <summary>Removes steps at the start and end (Keras default 1 each).</summary>
public sealed class Cropping1D(IntOrTuple? cropping = null, string? name = null, ShapeArgument? inputShape = null)
    : SpatialMargins(1, Expand(1, (cropping ?? 1).Values, null), "channels_last", true, name, inputShape)
{
    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("cropping", Margins[0]);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Cropping1D FromConfig(LayerConfig config) => config.Construct<Cropping1D>();
}
