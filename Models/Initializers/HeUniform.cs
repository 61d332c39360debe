namespace TfFunctional.Initializers;

/// <summary>He uniform: limit sqrt(6 / fanIn).</summary>
public sealed class HeUniform(int? seed = null) : VarianceScaling(2.0, "fan_in", "uniform", seed)
{
    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static new HeUniform FromConfig(Layers.LayerConfig config) => config.Construct<HeUniform>();
}
