namespace TfFunctional.Layers;

/// <summary>Adds zero-centered Gaussian noise of <c>stddev</c> while training; the identity otherwise.</summary>
public sealed class GaussianNoise(double stddev, int? seed = null, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>Standard deviation of the noise.</summary>
    public double Stddev { get; } = stddev >= 0 ? stddev : throw new ArgumentOutOfRangeException(nameof(stddev), $"Invalid value received for argument `stddev`. Expected a float value >= 0. Received: stddev={stddev}");
    /// <summary>Seed of the noise.</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => context.Training && Stddev > 0
        ? Ops.Add(inputs, Ops.RandomNormal(inputs.Shape.Select(d => d!.Value).ToArray(), 0, Stddev, null, inputs.DType))
        : inputs;

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("stddev", Stddev).With("seed", Seed);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GaussianNoise FromConfig(LayerConfig config) => config.Construct<GaussianNoise>();
}
