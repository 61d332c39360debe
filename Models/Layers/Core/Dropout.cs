namespace TfFunctional.Layers;

/// <summary>Inverted dropout: while training, zeroes inputs with probability <c>rate</c> and scales the rest by 1/(1 − rate).</summary>
public sealed class Dropout : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1).</exception>
    public Dropout(double rate, int[]? noiseShape = null, int? seed = null, string? name = null, ShapeArgument? inputShape = null)
        : base(name, inputShape: inputShape)
    {
        if (rate is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate),
                $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rate = rate;
        NoiseShape = noiseShape;
        Seed = seed;
    }

    /// <summary>Fraction of inputs dropped.</summary>
    public double Rate { get; }
    /// <summary>Shape of the binary mask (broadcast over the input), or null for the input's shape.</summary>
    public int[]? NoiseShape { get; }
    /// <summary>Seed of the dropout mask.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        if (!context.Training || Rate == 0) return inputs;
        if (NoiseShape is null) return Ops.Dropout(inputs, Rate, training: true);
        var shape = inputs.Shape;
        var maskShape = NoiseShape.Select((d, i) => d > 0 ? d : shape[i]!.Value).ToArray();
        var keep = Ops.Dropout(Ops.Ones(maskShape, inputs.DType), Rate, training: true);
        return Ops.Multiply(inputs, keep);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("rate", Rate).With("noise_shape", NoiseShape).With("seed", Seed);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Dropout FromConfig(LayerConfig config) => config.Construct<Dropout>();
}
