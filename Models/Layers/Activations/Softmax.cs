namespace TfFunctional.Layers;

/// <summary>Keras's Softmax layer over <c>axis</c> (default −1).</summary>
public sealed class Softmax(int axis = -1, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>The normalized axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.Softmax(inputs, Axis);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("axis", Axis);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Softmax FromConfig(LayerConfig config) => config.Construct<Softmax>();
}
