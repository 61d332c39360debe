namespace TfFunctional.Initializers;

/// <summary>Glorot (Xavier) normal, truncated: stddev sqrt(2 / (fanIn + fanOut)).</summary>
public sealed class GlorotNormal(int? seed = null) : VarianceScaling(1.0, "fan_avg", "truncated_normal", seed)
{
    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static new GlorotNormal FromConfig(Layers.LayerConfig config) => config.Construct<GlorotNormal>();
}
