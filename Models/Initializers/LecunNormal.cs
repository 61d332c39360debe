namespace TfFunctional.Initializers;

/// <summary>LeCun normal, truncated: stddev sqrt(1 / fanIn).</summary>
public sealed class LecunNormal(int? seed = null) : VarianceScaling(1.0, "fan_in", "truncated_normal", seed)
{
    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static new LecunNormal FromConfig(Layers.LayerConfig config) => config.Construct<LecunNormal>();
}
