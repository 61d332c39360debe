namespace TfFunctional.Layers;

/// <summary>Maximum over rows and columns: (batch, …, channels) → (batch, channels), as Keras's GlobalMaxPooling2D.</summary>
public sealed class GlobalMaxPooling2D(string? dataFormat = null, bool keepdims = false, string? name = null, ShapeArgument? inputShape = null)
    : GlobalPooling(2, true, dataFormat, keepdims, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GlobalMaxPooling2D FromConfig(LayerConfig config) => config.Construct<GlobalMaxPooling2D>();
}
