namespace TfFunctional.Layers;

/// <summary>Keras 2's ThresholdedReLU: <c>x</c> where x &gt; theta (default 1), else 0.</summary>
public sealed class ThresholdedReLU(double theta = 1.0, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>The threshold.</summary>
    public double Theta { get; } = theta;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.Multiply(inputs, Ops.Cast(Ops.Greater(inputs, Theta), inputs.DType));

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("theta", Theta);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static ThresholdedReLU FromConfig(LayerConfig config) => config.Construct<ThresholdedReLU>();
}
