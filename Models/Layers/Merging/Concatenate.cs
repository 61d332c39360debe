namespace TfFunctional.Layers;

/// <summary>Joins a list of inputs along <c>axis</c> (default −1); every other axis must match.</summary>
public sealed class Concatenate : Layer
{
    /// <summary>Creates the layer.</summary>
    public Concatenate(int axis = -1, string? name = null) : base(name) => Axis = axis;

    /// <summary>The concatenation axis (negative counts from the end).</summary>
    public int Axis { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => throw ListRequired(1);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes) => ComputeOutputShapes(inputShapes);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context) =>
        [Ops.Concatenate(inputs, Axis)];

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => throw ListRequired(1);

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count < 1)
            throw ListRequired(inputShapes.Count);
        int rank = inputShapes[0].Rank;
        if (inputShapes.Any(s => s.Rank != rank))
            throw new ArgumentException(
                $"Layer \"{Name}\": a `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. " +
                $"Received inputs of different ranks: [{string.Join(", ", inputShapes)}]");
        int axis = Axis < 0 ? Axis + rank : Axis;
        if (axis <= 0 || axis >= rank)
            throw new ArgumentException($"Layer \"{Name}\": concatenation axis {Axis} is out of range for inputs of rank {rank} (the batch axis cannot be joined).");
        var output = inputShapes[0].Dims;
        for (int i = 1; i < inputShapes.Count; i++)
        {
            var shape = inputShapes[i];
            for (int d = 0; d < rank; d++)
            {
                if (d == axis) continue;
                if (output[d] is int a && shape[d] is int b && a != b)
                    throw new ArgumentException(
                        $"Layer \"{Name}\": input shapes {inputShapes[0]} and {shape} differ on axis {d}, which is not the concatenation axis {Axis}.");
                output[d] ??= shape[d];
            }
            output[axis] = output[axis] is int x && shape[axis] is int y ? x + y : null;
        }
        return [new Shape(output)];
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount)
    {
        if (masks.All(m => m is null)) return [null];
        // Keras: unmasked inputs count as all-true; masks are expanded to the inputs' rank, joined, then reduced over the last axis.
        var expanded = inputs.Select((input, i) =>
        {
            var mask = i < masks.Count ? masks[i] : null;
            if (mask is null) return Ops.TrueLike(input);
            return mask.Rank < input.Rank
                ? Ops.BroadcastTo(Ops.ExpandDims(mask, -1), input.Shape.Select(d => (long)d!.Value).ToArray())
                : mask;
        }).ToArray();
        return [Ops.Any(Ops.Concatenate(expanded, Axis), -1)];
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("axis", Axis);

    private ArgumentException ListRequired(int received) => new(
        $"A `Concatenate` layer should be called on a list of at least 1 input. Received {received} (Layer \"{Name}\").");

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Concatenate FromConfig(LayerConfig config) => config.Construct<Concatenate>();
}
