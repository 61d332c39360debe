namespace TfFunctional.Layers;

/// <summary>
/// The base of the element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum): called on a list
/// of tensors, broadcasting their sample shapes as Keras does.
/// </summary>
public abstract class ElementwiseMerge : Layer
{
    /// <summary>Creates the layer.</summary>
    protected ElementwiseMerge(string? name) : base(name) { }

    /// <summary>The number of inputs the layer takes exactly, or null for two or more.</summary>
    protected virtual int? ExactInputCount => null;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <summary>Combines the inputs (already validated) into one tensor.</summary>
    protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    /// <summary>Combines the inputs pairwise from left to right.</summary>
    protected static Tensor Fold(IReadOnlyList<Tensor> inputs, Func<Tensor, Tensor, Tensor> combine)
    {
        var result = inputs[0];
        for (int i = 1; i < inputs.Count; i++) result = combine(result, inputs[i]);
        return result;
    }

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes) => ComputeOutputShapes(inputShapes);

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => throw ListRequired(1);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context) => [Merge(inputs)];

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => throw ListRequired(1);

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        if (ExactInputCount is int exact && inputShapes.Count != exact)
            throw new ArgumentException(
                $"A `{ClassName}` layer should be called on exactly {exact} inputs. Received {inputShapes.Count} inputs: [{string.Join(", ", inputShapes)}]");
        if (inputShapes.Count < 2)
            throw ListRequired(inputShapes.Count);
        var output = inputShapes[0].Slice(1..);
        for (int i = 1; i < inputShapes.Count; i++)
            output = Broadcast(output, inputShapes[i].Slice(1..), inputShapes);
        int? batch = inputShapes.Select(s => s[0]).Distinct().Count() == 1 ? inputShapes[0][0] : null;
        return [output.WithBatch(batch)];
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount)
    {
        // Keras: a sample step is kept when every input keeps it.
        var present = masks.Where(m => m is not null).Select(m => m!).ToArray();
        if (present.Length == 0) return [null];
        return [Fold(present, Ops.LogicalAnd)];
    }

    private Shape Broadcast(Shape a, Shape b, IReadOnlyList<Shape> all)
    {
        if (a.Rank < b.Rank) (a, b) = (b, a);
        var dims = a.Dims;
        int offset = a.Rank - b.Rank;
        for (int i = 0; i < b.Rank; i++)
        {
            int? x = a[offset + i], y = b[i];
            dims[offset + i] = x is null || y is null ? null : x == 1 ? y : y == 1 ? x
                : x == y ? x : throw new ArgumentException(
                    $"Layer \"{Name}\": inputs have incompatible shapes. Received shapes {string.Join(" and ", all)}: " +
                    $"dimension {x} cannot be broadcast with {y}.");
        }
        return new Shape(dims);
    }

    private ArgumentException ListRequired(int received) => new(
        $"A merge layer should be called on a list of at least 2 inputs. Got {received} inputs. (Layer \"{Name}\")");
}
