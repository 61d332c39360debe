namespace TfFunctional.Initializers;

/// <summary>He uniform: limit sqrt(6 / fanIn).</summary>
public sealed class HeUniform(int? seed = null) : VarianceScaling(2.0, "fan_in", "uniform", seed);
