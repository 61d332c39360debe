namespace TfFunctional.Layers;

/// <summary>Mean over steps: (batch, …, channels) → (batch, channels), as Keras's GlobalAveragePooling1D.</summary>
public sealed class GlobalAveragePooling1D(string? dataFormat = null, bool keepdims = false, string? name = null, ShapeArgument? inputShape = null)
    : GlobalPooling(1, false, dataFormat, keepdims, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GlobalAveragePooling1D FromConfig(LayerConfig config) => config.Construct<GlobalAveragePooling1D>();
}
