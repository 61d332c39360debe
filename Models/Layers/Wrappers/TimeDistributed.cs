namespace TfFunctional.Layers;

/// <summary>
/// Applies one layer (or a whole model) to every time step of (batch, time, …) inputs with the same weights, as
/// Keras's TimeDistributed: the guide's video QA runs its vision model over every frame this way.
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
        var shape = inputs.Shape;
        long batch = shape[0]!.Value, steps = shape[1]!.Value;
        var merged = Ops.Reshape(inputs, [batch * steps, .. shape.Slice(2..).Select(d => (long)d!.Value)]);
        var output = Layer.Invoke([merged], asList: false, context.WithMasks([]))[0];
        return Ops.Reshape(output, [batch, steps, .. output.Shape.Slice(1..).Select(d => (long)d!.Value)]);
    }

    /// <inheritdoc />
    internal override IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        yield return (path, Name, []);
        foreach (var group in Layer.KerasWeightTree($"{path}/layer")) yield return group;
    }

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static TimeDistributed FromConfig(LayerConfig config) => config.Construct<TimeDistributed>();
}
