namespace TfFunctional.Layers;

/// <summary>Maximum over rows and columns: (batch, …, channels) → (batch, channels), as Keras's GlobalMaxPooling2D.</summary>
public sealed class GlobalMaxPooling2D(string? dataFormat = null, bool keepdims = false, string? name = null, int?[]? inputShape = null)
    : GlobalPooling(2, true, dataFormat, keepdims, name, inputShape);
