namespace TfFunctional.Layers;

/// <summary>Mean over steps: (batch, …, channels) → (batch, channels), as Keras's GlobalAveragePooling1D.</summary>
public sealed class GlobalAveragePooling1D(string? dataFormat = null, bool keepdims = false, string? name = null, int?[]? inputShape = null)
    : GlobalPooling(1, false, dataFormat, keepdims, name, inputShape);
