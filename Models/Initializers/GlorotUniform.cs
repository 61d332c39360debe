namespace TfFunctional.Initializers;

/// <summary>Glorot (Xavier) uniform: limit sqrt(6 / (fanIn + fanOut)).</summary>
public sealed class GlorotUniform(int? seed = null) : VarianceScaling(1.0, "fan_avg", "uniform", seed)
{
    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static new GlorotUniform FromConfig(Layers.LayerConfig config) => config.Construct<GlorotUniform>();
}
