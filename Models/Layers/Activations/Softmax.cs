namespace TfFunctional.Layers;

/// <summary>
/// Keras's Softmax layer over <c>axis</c> (default −1). Under a mask (one reaching its input, or <c>mask=</c> given to the
/// call) it normalizes over the kept entries only and gives 0 at the others, as Keras 3: the mask must broadcast to the
/// inputs (each of its dimensions, aligned from the last, 1 or the input's).
/// </summary>
public sealed class Softmax(int axis = -1, string? name = null, ShapeArgument? inputShape = null) : Layer(name, inputShape: inputShape)
{
    /// <summary>The normalized axis.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        if (context.Mask is not { } mask) return Ops.Softmax(inputs, Axis);
        if (BroadcastProblem(inputs.Shape, mask.Shape) is { } problem)
            throw new ArgumentException($"Layer \"{Name}\": {problem}");
        return Ops.MaskedSoftmax(inputs, mask, Axis, LargeNegative(inputs.DType));
    }

    /// <inheritdoc />
    protected override string? MaskShapeProblem(int index, Shape inputShape, Shape maskShape) => BroadcastProblem(inputShape, maskShape);

    /// <summary>What a masked entry counts as: Keras's large negative number, within float16's range for float16.</summary>
    internal static double LargeNegative(DType dtype) => dtype == DType.Float16 ? -3e4 : -1e9;

    /// <summary>Keras's complaint when <paramref name="mask"/> does not broadcast to <paramref name="inputs"/> (unknown sizes pass), else null.</summary>
    internal static string? BroadcastProblem(Shape inputs, Shape mask)
    {
        if (mask.Rank > inputs.Rank)
            return "The `mask` must be broadcastable to `inputs` and must not have more dimensions. " +
                   $"Received: inputs.shape={inputs}, mask.shape={mask}";
        for (int k = 1; k <= mask.Rank; k++)
            if (mask[^k] is int m && inputs[^k] is int i && m != 1 && m != i)
                return "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the corresponding " +
                       $"input dimension. Received: inputs.shape={inputs}, mask.shape={mask}";
        return null;
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("axis", Axis);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Softmax FromConfig(LayerConfig config) => config.Construct<Softmax>();
}
