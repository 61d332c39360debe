namespace TfFunctional.Layers;

/// <summary>
/// The dot product of two inputs along <c>axes</c> for each sample, as Keras's <c>batch_dot</c>; with
/// <c>normalize</c> the inputs are L2-normalized first, giving the cosine similarity.
/// </summary>
public sealed class Dot : Layer
{
    /// <summary>Creates the layer with one axis for both inputs.</summary>
    public Dot(int axes, bool normalize = false, string? name = null) : this([axes, axes], normalize, name) { }

    /// <summary>Creates the layer with an axis for each input.</summary>
    /// <exception cref="ArgumentException"><paramref name="axes"/> does not hold exactly two entries.</exception>
    public Dot(int[] axes, bool normalize = false, string? name = null) : base(name)
    {
        if (axes is not { Length: 2 })
            throw new ArgumentException("Invalid format for argument `axes`: list should contain exactly 2 elements.", nameof(axes));
        Axes = axes;
        Normalize = normalize;
    }

    /// <summary>The contracted axis of each input (negative counts from the end).</summary>
    public IReadOnlyList<int> Axes { get; }

    /// <summary>Whether to L2-normalize the inputs along the axes first.</summary>
    public bool Normalize { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <summary>No mask leaves a dot product (Keras's <c>Dot.compute_mask</c> returns None): its steps are contracted.</summary>
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        new Tensor?[outputCount];

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => throw TwoInputs(1);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes) => ComputeOutputShapes(inputShapes);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context)
    {
        var (axisX, axisY) = ResolveAxes(inputs[0].Rank, inputs[1].Rank);
        var x = Normalize ? Ops.L2Normalize(inputs[0], axisX) : inputs[0];
        var y = Normalize ? Ops.L2Normalize(inputs[1], axisY) : inputs[1];
        return [Ops.BatchDot(x, y, axisX, axisY)];
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => throw TwoInputs(1);

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count != 2) throw TwoInputs(inputShapes.Count);
        var (a, b) = (inputShapes[0], inputShapes[1]);
        var (axisX, axisY) = ResolveAxes(a.Rank, b.Rank);
        if (a[axisX] is int n && b[axisY] is int m && n != m)
            throw new ArgumentException(
                $"Layer \"{Name}\": incompatible input shapes: axis values {n} (at axis {axisX}) != {m} (at axis {axisY}). Full input shapes: {a}, {b}");
        var dims = a.Dims.Where((_, i) => i != axisX).Concat(b.Dims.Where((_, i) => i != 0 && i != axisY)).ToList();
        if (dims.Count == 1) dims.Add(1);
        return [new Shape(dims.ToArray())];
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() =>
        base.GetConfig().With("axes", Axes[0] == Axes[1] ? Axes[0] : Axes).With("normalize", Normalize);

    private (int, int) ResolveAxes(int rankX, int rankY)
    {
        int axisX = Axes[0] < 0 ? Axes[0] + rankX : Axes[0];
        int axisY = Axes[1] < 0 ? Axes[1] + rankY : Axes[1];
        if (axisX <= 0 || axisX >= rankX || axisY <= 0 || axisY >= rankY)
            throw new ArgumentException(
                $"Layer \"{Name}\": `axes` ({Axes[0]}, {Axes[1]}) must name non-batch axes of inputs of ranks {rankX} and {rankY}.");
        return (axisX, axisY);
    }

    private ArgumentException TwoInputs(int received) => new(
        $"A `Dot` layer should be called on a list of 2 inputs. Received: {received} inputs (Layer \"{Name}\").");

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Dot FromConfig(LayerConfig config) => config.Construct<Dot>();
}
