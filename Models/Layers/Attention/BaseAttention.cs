namespace TfFunctional.Layers;

/// <summary>
/// What Attention and AdditiveAttention share (Keras's base attention): inputs [query, value] or [query, value, key];
/// masked value steps (and, with <c>useCausalMask</c>, future steps) get −1e9 before the softmax; dropout on the
/// weights while training; the output is the weighted sum of values, optionally with the scores.
/// </summary>
public abstract class BaseAttention : Layer
{
    /// <summary>Creates the layer.</summary>
    protected BaseAttention(double dropout, bool returnAttentionScores, bool useCausalMask, string? name) : base(name)
    {
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"`dropout` must be in [0, 1). Received: {dropout}");
        Dropout = dropout;
        ReturnAttentionScores = returnAttentionScores;
        UseCausalMask = useCausalMask;
    }

    /// <summary>Fraction of attention weights dropped while training.</summary>
    public double Dropout { get; }
    /// <summary>
    /// Whether the attention weights are returned as a second output, for calls that do not say (Keras's call argument;
    /// each call's own value is in its <see cref="Node.Arguments"/>).
    /// </summary>
    public bool ReturnAttentionScores { get; }
    /// <summary>Whether position i may only attend to positions ≤ i, for calls that do not say (Keras's call argument).</summary>
    public bool UseCausalMask { get; }

    /// <inheritdoc />
    protected internal override IReadOnlyDictionary<string, object> CallArgumentDefaults => new Dictionary<string, object>
    {
        ["return_attention_scores"] = ReturnAttentionScores,
        ["use_causal_mask"] = UseCausalMask,
    };

    /// <summary>
    /// Keras's <c>attention([query, value(, key)], use_causal_mask=...)</c>: the attention output. A call argument left
    /// null takes the layer's value; each call keeps its own.
    /// </summary>
    public new KerasTensor Call(IReadOnlyList<KerasTensor> inputs, bool? useCausalMask) =>
        CallOutputs(inputs, returnAttentionScores: false, useCausalMask)[0];

    /// <summary>
    /// Keras's <c>attention([query, value(, key)], return_attention_scores=..., use_causal_mask=...)</c>: the output, then
    /// the scores (batch, Tq, Tv) when they are returned.
    /// </summary>
    public IReadOnlyList<KerasTensor> CallOutputs(IReadOnlyList<KerasTensor> inputs, bool? returnAttentionScores, bool? useCausalMask = null) =>
        CallWithArguments(inputs, asList: true,
            new Dictionary<string, object?> { ["return_attention_scores"] = returnAttentionScores, ["use_causal_mask"] = useCausalMask });

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <summary>The scores (batch, Tq, Tv) of queries against keys.</summary>
    protected abstract Tensor Scores(Tensor query, Tensor key);

    /// <summary>Checks the list and creates weights from the query shape.</summary>
    protected abstract void BuildScores(Shape query, Shape value);

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => throw ListOfInputs(1);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count is < 2 or > 3) throw ListOfInputs(inputShapes.Count);
        BuildScores(inputShapes[0], inputShapes[1]);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes) => ComputeOutputShapes(inputShapes, CallArgumentDefaults);

    /// <inheritdoc />
    protected override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes, IReadOnlyDictionary<string, object> arguments)
    {
        if (inputShapes.Count is < 2 or > 3) throw ListOfInputs(inputShapes.Count);
        var (query, value) = (inputShapes[0], inputShapes[1]);
        var output = query.WithDim(^1, value[^1]);
        return (bool)arguments["return_attention_scores"] ? [output, new Shape(query[0], query[1], value[1])] : [output];
    }

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context)
    {
        var query = inputs[0];
        var value = inputs[1];
        var key = inputs.Count > 2 ? inputs[2] : value;
        var scores = Scores(query, key);
        var valueMask = context.Masks.Count > 1 ? context.Masks[1] : null;
        if (valueMask is not null)
            scores = Ops.Where(Ops.ExpandDims(valueMask, 1), scores, Ops.Full([], -1e9, scores.DType));
        if (CallArgument<bool>(context, "use_causal_mask"))
            scores = Ops.Where(Ops.CausalMask(scores.Shape[1]!.Value, scores.Shape[2]!.Value), scores, Ops.Full([], -1e9, scores.DType));
        var weights = Ops.Softmax(scores, -1);
        var attended = Ops.Dropout(weights, Dropout, context.Training);
        var output = Ops.Matmul(attended, value);
        var queryMask = context.Mask;
        if (queryMask is not null) output = Ops.Multiply(output, Ops.ExpandDims(Ops.Cast(queryMask, output.DType), -1));
        return CallArgument<bool>(context, "return_attention_scores") ? [output, weights] : [output];
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        [masks.Count > 0 ? masks[0] : null, .. Enumerable.Repeat<Tensor?>(null, outputCount - 1)];

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("dropout", Dropout);

    private ArgumentException ListOfInputs(int received) => new(
        $"Layer \"{Name}\": an attention layer must be called on a list of inputs, namely [query, value] or [query, value, key]. Received {received} input(s).");
}
