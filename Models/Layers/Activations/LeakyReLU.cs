namespace TfFunctional.Layers;

/// <summary>Keras's LeakyReLU layer: <c>x</c> for x ≥ 0, else <c>alpha · x</c> (Keras default 0.3).</summary>
public sealed class LeakyReLU(double alpha = 0.3, string? name = null, int?[]? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>The slope below zero (Keras 3 calls it negative_slope).</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.LeakyRelu(inputs, Alpha);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("negative_slope", Alpha).With("alpha", Alpha);
}
