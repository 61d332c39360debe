namespace TfFunctional.Layers;

/// <summary>Keras's LeakyReLU layer: <c>x</c> for x ≥ 0, else <c>negative_slope · x</c> (Keras default 0.3).</summary>
public sealed class LeakyReLU : Layer
{
    /// <summary>Creates the layer; <paramref name="alpha"/> is Keras 2's name for the slope (Keras 3 still takes it).</summary>
    /// <exception cref="ArgumentException">A negative slope.</exception>
    public LeakyReLU(double negativeSlope = 0.3, string? name = null, ShapeArgument? inputShape = null, double? alpha = null)
        : base(name, inputShape: inputShape)
    {
        double slope = alpha ?? negativeSlope;
        if (slope < 0 || double.IsNaN(slope))
            throw new ArgumentException(
                $"The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope={slope}",
                alpha is null ? nameof(negativeSlope) : nameof(alpha));
        NegativeSlope = slope;
    }

    /// <summary>The slope below zero (Keras 2's alpha).</summary>
    public double NegativeSlope { get; }

    /// <summary>The slope below zero, under Keras 2's name.</summary>
    public double Alpha => NegativeSlope;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.LeakyRelu(inputs, NegativeSlope);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("negative_slope", NegativeSlope);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static LeakyReLU FromConfig(LayerConfig config) => config.Construct<LeakyReLU>();
}
