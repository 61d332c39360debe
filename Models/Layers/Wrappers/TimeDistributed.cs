namespace TfFunctional.Layers;

/// <summary>
/// Applies one layer (or a whole model) to every time step of (batch, time, …) inputs with the same weights, as
/// Keras's TimeDistributed: the guide's video QA runs its vision model over every frame this way. A mask reaching it,
/// (batch, time, …), goes to the inner layer step by step (an inner LSTM over masked words of each sentence); the mask
/// leaving it is the inner layer's, per step, or else the one that came in, reduced to (batch, time), as Keras 2's.
/// </summary>
public sealed class TimeDistributed : Layer
{
    /// <summary>Wraps <paramref name="layer"/>.</summary>
    public TimeDistributed(Layer layer, string? name = null) : base(name)
    {
        Layer = layer ?? throw new ArgumentNullException(nameof(layer));
    }

    /// <summary>The wrapped layer.</summary>
    public Layer Layer { get; }

    /// <inheritdoc />
    protected override IEnumerable<Layer> SubLayers => [Layer];

    /// <inheritdoc />
    internal override IEnumerable<(string Key, Layer Layer)> NestedLayers => [("layer", Layer)];

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    private static Shape StepShape(Shape inputShape) => new([inputShape[0] is int b && inputShape[1] is int t ? b * t : null, .. inputShape.Slice(2..)]);

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 3)
            throw new ArgumentException(
                $"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: {inputShape}");
        Layer.EnsureBuilt([StepShape(inputShape).WithDim(0, null)], asList: false);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank < 3)
            throw new ArgumentException($"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: {inputShape}");
        var step = Layer.ComputeOutputShapes([StepShape(inputShape).WithDim(0, null)])[0];
        return new Shape([inputShape[0], inputShape[1], .. step.Slice(1..)]);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var output = Layer.Invoke([Fold(inputs)], asList: false, context.WithMasks([context.Mask is { } mask ? Fold(mask) : null]))[0];
        return Unfold(output, inputs);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount)
    {
        var mask = masks.Count > 0 ? masks[0] : null;
        if (Layer.ComputeMasks([Fold(inputs[0])], [mask is null ? null : Fold(mask)], 1)[0] is { } inner) return [Unfold(inner, inputs[0])];
        // The inner layer gives none: the mask that came in, any step of a step's sub-steps kept (Keras 2's reduction).
        while (mask is { Rank: > 2 }) mask = Ops.Any(mask, axis: -1);
        return [mask];
    }

    /// <summary>(batch, time, …) as (batch·time, …): every step a sample of the inner layer.</summary>
    private static Tensor Fold(Tensor x)
    {
        var shape = x.Shape;
        return Ops.Reshape(x, [(long)shape[0]!.Value * shape[1]!.Value, .. shape.Slice(2..).Select(d => (long)d!.Value)]);
    }

    /// <summary>The inner layer's (batch·time, …) back as (batch, time, …), the sizes taken from <paramref name="input"/>.</summary>
    private static Tensor Unfold(Tensor inner, Tensor input) =>
        Ops.Reshape(inner, [input.Shape[0]!.Value, input.Shape[1]!.Value, .. inner.Shape.Slice(1..).Select(d => (long)d!.Value)]);

    /// <inheritdoc />
    internal override IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        yield return (path, Name, []);
        foreach (var group in Layer.KerasWeightTree($"{path}/layer")) yield return group;
    }

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static TimeDistributed FromConfig(LayerConfig config) => config.Construct<TimeDistributed>();
}
