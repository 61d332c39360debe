namespace TfFunctional.Layers;

/// <summary>Maximum over steps: (batch, …, channels) → (batch, channels), as Keras's GlobalMaxPooling1D.</summary>
public sealed class GlobalMaxPooling1D(string? dataFormat = null, bool keepdims = false, string? name = null, ShapeArgument? inputShape = null)
    : GlobalPooling(1, true, dataFormat, keepdims, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GlobalMaxPooling1D FromConfig(LayerConfig config) => config.Construct<GlobalMaxPooling1D>();
}
