namespace TfFunctional.Layers;

/// <summary>
/// Masks time steps whose features all equal <c>maskValue</c> (Keras default 0): the output is the input with those
/// steps zeroed, and the mask <c>any(x != maskValue, axis=-1)</c> goes downstream.
/// </summary>
public sealed class Masking : Layer
{
    /// <summary>Creates the layer.</summary>
    public Masking(double maskValue = 0.0, string? name = null, ShapeArgument? inputShape = null) : base(name, inputShape: inputShape) =>
        MaskValue = maskValue;

    /// <summary>The value that marks padding.</summary>
    public double MaskValue { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    public override bool CreatesMasks => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var keep = Ops.Any(Ops.NotEqual(inputs, MaskValue), -1, keepDims: true);
        return Ops.Multiply(inputs, Ops.Cast(keep, inputs.DType));
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        [Ops.Any(Ops.NotEqual(inputs[0], MaskValue), -1)];

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("mask_value", MaskValue);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Masking FromConfig(LayerConfig config) => config.Construct<Masking>();
}
