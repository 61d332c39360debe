namespace TfFunctional.Layers;

/// <summary>Keras's ELU layer: <c>x</c> for x &gt; 0, else <c>alpha · (exp(x) − 1)</c> (default alpha 1).</summary>
public sealed class ELU(double alpha = 1.0, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>Scale of the negative part.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.Elu(inputs, Alpha);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("alpha", Alpha);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static ELU FromConfig(LayerConfig config) => config.Construct<ELU>();
}
