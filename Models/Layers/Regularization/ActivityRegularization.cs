using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>Passes its input through and adds <c>(l1·Σ|x| + l2·Σx²) / batch</c> to the training loss.</summary>
public sealed class ActivityRegularization(double l1 = 0.0, double l2 = 0.0, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>L1 factor.</summary>
    public double L1 { get; } = l1;
    /// <summary>L2 factor.</summary>
    public double L2 { get; } = l2;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        if (context.Training)
            context.AddLoss(Ops.Divide(new L1L2(L1, L2).Call(inputs), inputs.Shape[0] ?? 1));
        return inputs;
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("l1", L1).With("l2", L2);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static ActivityRegularization FromConfig(LayerConfig config) => config.Construct<ActivityRegularization>();
}
