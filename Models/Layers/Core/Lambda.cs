namespace TfFunctional.Layers;

/// <summary>
/// Wraps a C# function as a layer, as Keras's Lambda. The output shape comes from <c>outputShape</c> (a function of the
/// input shape) or, when absent, from running the function once on zeros of the input shape.
/// </summary>
public sealed class Lambda : Layer, Saving.ISaveCheck
{
    private readonly Func<IReadOnlyList<Tensor>, Tensor> _function;
    private readonly Func<IReadOnlyList<Shape>, Shape>? _outputShape;

    /// <summary>A Lambda on one input.</summary>
    public Lambda(Func<Tensor, Tensor> function, Func<Shape, Shape>? outputShape = null, string? name = null, ShapeArgument? inputShape = null)
        : base(name, inputShape: inputShape)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = inputs => function(inputs[0]);
        _outputShape = outputShape is null ? null : shapes => outputShape(shapes[0]);
    }

    /// <summary>A Lambda on a list of inputs (call it with a list).</summary>
    public Lambda(Func<IReadOnlyList<Tensor>, Tensor> function, Func<IReadOnlyList<Shape>, Shape>? outputShape = null, string? name = null)
        : base(name)
    {
        _function = function ?? throw new ArgumentNullException(nameof(function));
        _outputShape = outputShape;
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => _function([inputs]);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context) => [_function(inputs)];

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShapes([inputShape])[0];

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        if (_outputShape is not null) return [_outputShape(inputShapes)];
        // Infer by running the function once on zeros with a batch of 1 (unknown dimensions taken as 1).
        using var scope = Ops.NewScope();
        using var noGrad = Ops.NoGrad();
        var zeros = inputShapes.Select(s => Ops.Zeros(s.Select(d => d ?? 1).ToArray())).ToArray();
        var output = _function(zeros).Shape;
        return [output.WithDim(0, inputShapes[0][0])];
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("function", _function.Method.Name);

    /// <inheritdoc />
    string? Saving.ISaveCheck.ProblemIn(Saving.ConfigFormat format) => Saving.KerasRegistry.IsKnownLayer(ClassName) ? null
        : "a Lambda holds C# code, which no Keras file can carry: register a factory for it with Keras.RegisterLayer(\"Lambda\", config => ...) " +
          "so that the files you save can be loaded, or replace it with a layer class of your own";
}
