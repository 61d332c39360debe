namespace TfFunctional.Layers;

/// <summary>
/// The Keras 1 <c>Merge</c> layer, for code ported from Keras 1: <c>mode</c> is <c>sum</c>, <c>mul</c>, <c>concat</c>,
/// <c>ave</c>, <c>max</c>, <c>dot</c> or <c>cos</c>, and maps onto Add, Multiply, Concatenate, Average, Maximum and
/// Dot (with <c>normalize</c> for <c>cos</c>), as Keras 2 mapped it.
/// </summary>
public sealed class Merge : Layer
{
    private static readonly string[] Modes = ["sum", "mul", "concat", "ave", "max", "dot", "cos"];
    private readonly Layer _operation;

    /// <summary>Creates the layer (Keras 1 defaults: mode sum, concat_axis −1, dot_axes −1).</summary>
    /// <exception cref="ArgumentException">Unknown mode.</exception>
    public Merge(string mode = "sum", int concatAxis = -1, int dotAxes = -1, string? name = null) : base(name)
    {
        Mode = mode;
        ConcatAxis = concatAxis;
        DotAxes = dotAxes;
        string inner = Name;   // an explicit name: the inner layer must not consume an automatic name
        _operation = mode switch
        {
            "sum" => new Add(inner),
            "mul" => new Multiply(inner),
            "concat" => new Concatenate(concatAxis, inner),
            "ave" => new Average(inner),
            "max" => new Maximum(inner),
            "dot" => new Dot(dotAxes, normalize: false, inner),
            "cos" => new Dot(dotAxes, normalize: true, inner),
            _ => throw new ArgumentException($"Invalid merge mode: {mode}. Expected one of {string.Join(", ", Modes)}.", nameof(mode)),
        };
    }

    /// <summary>The merge mode.</summary>
    public string Mode { get; }
    /// <summary>The axis for <c>concat</c>.</summary>
    public int ConcatAxis { get; }
    /// <summary>The axis for <c>dot</c> and <c>cos</c>.</summary>
    public int DotAxes { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => _operation.SupportsMasking;

    /// <summary>The Keras 2 layer this merge computes as (Concatenate, Add, Dot, …).</summary>
    internal Layer Operation => _operation;

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => _operation.ComputeOutputShape(inputShape);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes) => _operation.ComputeOutputShapes(inputShapes);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context) =>
        _operation.Invoke(inputs, asList: true, context);

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes) => _operation.ComputeOutputShapes(inputShapes);

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        _operation.ComputeMasks(inputs, masks, outputCount);

    /// <summary>Keras 2 and 3 have no Merge: it is saved as the layer its mode names (Add, Concatenate, Dot, …).</summary>
    public override string ClassName => _operation.ClassName;

    /// <inheritdoc />
    public override LayerConfig GetConfig() => _operation.GetConfig();
}
