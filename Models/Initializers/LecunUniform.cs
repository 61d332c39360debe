namespace TfFunctional.Initializers;

/// <summary>LeCun uniform: limit sqrt(3 / fanIn).</summary>
public sealed class LecunUniform(int? seed = null) : VarianceScaling(1.0, "fan_in", "uniform", seed);
