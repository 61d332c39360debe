namespace TfFunctional.Layers;

/// <summary>Repeats each time step <c>size</c> times (Keras default 2).</summary>
public sealed class UpSampling1D(int size = 2, string? name = null, ShapeArgument? inputShape = null)
    : UpSampling(1, size, "channels_last", "nearest", name, inputShape)
{
    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("size", Size[0]);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static UpSampling1D FromConfig(LayerConfig config) => config.Construct<UpSampling1D>();
}
