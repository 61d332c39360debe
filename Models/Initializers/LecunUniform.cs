namespace TfFunctional.Initializers;

/// <summary>LeCun uniform: limit sqrt(3 / fanIn).</summary>
public sealed class LecunUniform(int? seed = null) : VarianceScaling(1.0, "fan_in", "uniform", seed)
{
    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static new LecunUniform FromConfig(Layers.LayerConfig config) => config.Construct<LecunUniform>();
}
