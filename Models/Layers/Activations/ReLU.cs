namespace TfFunctional.Layers;

/// <summary>Keras's ReLU layer: <c>x ≥ threshold ? min(x, maxValue) : negativeSlope · (x − threshold)</c>.</summary>
public sealed class ReLU : Layer
{
    /// <summary>Creates the layer (Keras defaults: no max, slope 0, threshold 0).</summary>
    public ReLU(double? maxValue = null, double negativeSlope = 0.0, double threshold = 0.0, string? name = null, ShapeArgument? inputShape = null)
        : base(name, inputShape: inputShape)
    {
        if (maxValue < 0) throw new ArgumentException($"max_value of a ReLU layer cannot be a negative value. Received: {maxValue}", nameof(maxValue));
        if (negativeSlope < 0) throw new ArgumentException($"negative_slope of a ReLU layer cannot be a negative value. Received: {negativeSlope}", nameof(negativeSlope));
        MaxValue = maxValue;
        NegativeSlope = negativeSlope;
        Threshold = threshold;
    }

    /// <summary>Saturation value, or null.</summary>
    public double? MaxValue { get; }
    /// <summary>Slope below the threshold.</summary>
    public double NegativeSlope { get; }
    /// <summary>The threshold.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.Relu(inputs, NegativeSlope, MaxValue, Threshold);

    /// <inheritdoc />
    public override LayerConfig GetConfig() =>
        base.GetConfig().With("max_value", MaxValue).With("negative_slope", NegativeSlope).With("threshold", Threshold);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static ReLU FromConfig(LayerConfig config) => config.Construct<ReLU>();
}
