using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>
/// Samples with a variance of <c>scale / n</c>, n the fan-in, fan-out or their mean; the base of the Glorot, He and
/// LeCun initializers, as Keras's VarianceScaling.
/// </summary>
public class VarianceScaling : Initializer
{
    /// <summary>Creates the initializer (Keras defaults: scale 1, mode fan_in, distribution truncated_normal).</summary>
    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null)
    {
        if (scale <= 0)
            throw new ArgumentException($"Argument `scale` must be positive float. Received: scale={scale}", nameof(scale));
        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
            throw new ArgumentException($"Invalid `mode` argument: expected one of {{\"fan_in\", \"fan_out\", \"fan_avg\"}}. Received: mode={mode}", nameof(mode));
        if (distribution == "normal") distribution = "truncated_normal";
        if (distribution is not ("truncated_normal" or "untruncated_normal" or "uniform"))
            throw new ArgumentException(
                $"Invalid `distribution` argument: expected one of {{\"normal\", \"uniform\", \"truncated_normal\", \"untruncated_normal\"}}. Received: distribution={distribution}",
                nameof(distribution));
        Scale = scale;
        Mode = mode;
        Distribution = distribution;
        Seed = seed;
    }

    /// <summary>The variance scale.</summary>
    public double Scale { get; }

    /// <summary><c>fan_in</c>, <c>fan_out</c> or <c>fan_avg</c>.</summary>
    public string Mode { get; }

    /// <summary><c>truncated_normal</c>, <c>untruncated_normal</c> or <c>uniform</c>.</summary>
    public string Distribution { get; }

    /// <summary>The seed, or null for fresh random values each time.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        double n = Mode switch { "fan_in" => fanIn, "fan_out" => fanOut, _ => (fanIn + fanOut) / 2 };
        double scale = Scale / Math.Max(1.0, n);
        return Distribution switch
        {
            // 0.8796… is the stddev of a unit normal truncated to [-2, 2].
            "truncated_normal" => Ops.TruncatedNormal(shape, 0, Math.Sqrt(scale) / 0.87962566103423978, Seed, dtype),
            "untruncated_normal" => Ops.RandomNormal(shape, 0, Math.Sqrt(scale), Seed, dtype),
            _ => Ops.RandomUniform(shape, -Math.Sqrt(3 * scale), Math.Sqrt(3 * scale), Seed, dtype),
        };
    }

    /// <inheritdoc />
    public override JsonObject GetConfig() => ClassName == nameof(VarianceScaling)
        ? new() { ["scale"] = Scale, ["mode"] = Mode, ["distribution"] = Distribution, ["seed"] = Seed }
        : new() { ["seed"] = Seed };

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static VarianceScaling FromConfig(Layers.LayerConfig config) => config.Construct<VarianceScaling>();
}
