namespace TfFunctional.Layers;

/// <summary>Mean over rows and columns: (batch, …, channels) → (batch, channels), as Keras's GlobalAveragePooling2D.</summary>
public sealed class GlobalAveragePooling2D(string? dataFormat = null, bool keepdims = false, string? name = null, ShapeArgument? inputShape = null)
    : GlobalPooling(2, false, dataFormat, keepdims, name, inputShape)
{
    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GlobalAveragePooling2D FromConfig(LayerConfig config) => config.Construct<GlobalAveragePooling2D>();
}
