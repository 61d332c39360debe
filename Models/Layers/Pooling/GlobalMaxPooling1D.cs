namespace TfFunctional.Layers;

/// <summary>Maximum over steps: (batch, …, channels) → (batch, channels), as Keras's GlobalMaxPooling1D.</summary>
public sealed class GlobalMaxPooling1D(string? dataFormat = null, bool keepdims = false, string? name = null, int?[]? inputShape = null)
    : GlobalPooling(1, true, dataFormat, keepdims, name, inputShape);
