namespace TfFunctional.Layers;

/// <summary>Drops whole feature channels of sequences (batch, steps, channels) while training.</summary>
public sealed class SpatialDropout1D(double rate, string? name = null, int?[]? inputShape = null)
    : SpatialDropout(1, rate, "channels_last", name, inputShape);
