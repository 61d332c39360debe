namespace TfFunctional.Initializers;

/// <summary>Glorot (Xavier) normal, truncated: stddev sqrt(2 / (fanIn + fanOut)).</summary>
public sealed class GlorotNormal(int? seed = null) : VarianceScaling(1.0, "fan_avg", "truncated_normal", seed);
