namespace TfFunctional.Layers;

/// <summary>Multiplies by Gaussian noise of mean 1 and stddev <c>√(rate / (1 − rate))</c> while training.</summary>
public sealed class GaussianDropout(double rate, int? seed = null, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>The drop probability the noise matches.</summary>
    public double Rate { get; } = rate is >= 0 and < 1 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
    /// <summary>Seed of the noise.</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => context.Training && Rate > 0
        ? Ops.Multiply(inputs, Ops.RandomNormal(inputs.Shape.Select(d => d!.Value).ToArray(), 1, Math.Sqrt(Rate / (1 - Rate)), null, inputs.DType))
        : inputs;

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("rate", Rate).With("seed", Seed);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GaussianDropout FromConfig(LayerConfig config) => config.Construct<GaussianDropout>();
}
