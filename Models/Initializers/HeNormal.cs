namespace TfFunctional.Initializers;

/// <summary>He normal, truncated: stddev sqrt(2 / fanIn).</summary>
public sealed class HeNormal(int? seed = null) : VarianceScaling(2.0, "fan_in", "truncated_normal", seed)
{
    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static new HeNormal FromConfig(Layers.LayerConfig config) => config.Construct<HeNormal>();
}
