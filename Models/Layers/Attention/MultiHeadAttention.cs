using TfFunctional.Initializers;

namespace TfFunctional.Layers;

/// <summary>
/// Multi-head attention, as Keras's MultiHeadAttention: projections query (dim, heads, keyDim), key (dim, heads, keyDim),
/// value (dim, heads, valueDim) and output (heads, valueDim, dim), each with a bias; scores scaled by 1/√keyDim. Called
/// on [query, value] or [query, value, key] of shape (batch, …, features): attention runs over <see cref="AttentionAxes"/>
/// (by default every axis between batch and features, the softmax joint over them), the other axes act as batch axes.
/// </summary>
public sealed class MultiHeadAttention : Layer
{
    private Variable? _queryKernel, _queryBias, _keyKernel, _keyBias, _valueKernel, _valueBias, _outputKernel, _outputBias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0.0, bool useBias = true, int? outputShape = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, bool returnAttentionScores = false,
        bool useCausalMask = false, int[]? attentionAxes = null, string? name = null) : base(name)
    {
        if (numHeads <= 0 || keyDim <= 0) throw new ArgumentException($"`num_heads` and `key_dim` must be positive. Received: num_heads={numHeads}, key_dim={keyDim}");
        NumHeads = numHeads;
        KeyDim = keyDim;
        ValueDim = valueDim ?? keyDim;
        Dropout = dropout;
        UseBias = useBias;
        OutputDim = outputShape;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        ReturnAttentionScores = returnAttentionScores;
        UseCausalMask = useCausalMask;
        AttentionAxes = attentionAxes;
    }

    /// <summary>Number of attention heads.</summary>
    public int NumHeads { get; }
    /// <summary>Size of each head for query and key.</summary>
    public int KeyDim { get; }
    /// <summary>Size of each head for value.</summary>
    public int ValueDim { get; }
    /// <summary>Fraction of attention weights dropped while training.</summary>
    public double Dropout { get; }
    /// <summary>Whether the projections have biases.</summary>
    public bool UseBias { get; }
    /// <summary>Size of the output's last axis; the query's when null.</summary>
    public int? OutputDim { get; }
    /// <summary>The axes attention runs over (Keras's <c>attention_axes</c>); null for every axis between batch and features.</summary>
    public int[]? AttentionAxes { get; }
    /// <summary>Initializes the kernels.</summary>
    public Initializer KernelInitializer { get; }
    /// <summary>Initializes the biases.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>
    /// Whether the attention weights (batch, heads, Tq, Tv) are a second output, for calls that do not say (Keras's call
    /// argument; each call's own value is in its <see cref="Node.Arguments"/>).
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
    /// Keras's <c>mha(query, value, key=None, use_causal_mask=...)</c>: the attention output. A call argument left null
    /// takes the layer's value; each call keeps its own.
    /// </summary>
    public KerasTensor Call(KerasTensor query, KerasTensor value, KerasTensor? key = null, bool? useCausalMask = null) =>
        CallOutputs(query, value, key, returnAttentionScores: false, useCausalMask)[0];

    /// <summary>
    /// Keras's <c>mha(query, value, key=None, return_attention_scores=..., use_causal_mask=...)</c>: the output, then the
    /// scores (batch, heads, Tq, Tv) when they are returned.
    /// </summary>
    public IReadOnlyList<KerasTensor> CallOutputs(KerasTensor query, KerasTensor value, KerasTensor? key = null,
        bool? returnAttentionScores = null, bool? useCausalMask = null) =>
        CallWithArguments(key is null ? [query, value] : [query, value, key], asList: true,
            new Dictionary<string, object?> { ["return_attention_scores"] = returnAttentionScores, ["use_causal_mask"] = useCausalMask });

    /// <inheritdoc />
    internal override IReadOnlyList<string> TensorArgumentNames => ["query", "value", "key"];

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => Build([inputShape, inputShape]);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        int rank = inputShapes.Count > 0 ? inputShapes[0].Rank : 0;
        if (inputShapes.Count is < 1 or > 3 || rank < 3 || inputShapes.Any(s => s.Rank != rank))
            throw new ArgumentException($"Layer \"{Name}\": MultiHeadAttention takes [query, value] or [query, value, key] of one rank ≥ 3 (batch, …, features). Received: [{string.Join(", ", inputShapes)}]");
        var (_, others) = Axes(rank);
        foreach (var shape in inputShapes.Skip(1))
            if (others.Any(a => shape[a] != inputShapes[0][a]))
                throw new ArgumentException($"Layer \"{Name}\": query and value must agree on the axes attention does not run over ({string.Join(", ", others)}). Received: [{string.Join(", ", inputShapes)}]");
        if (UseCausalMask && rank != 3)
            throw new ArgumentException($"Layer \"{Name}\": use_causal_mask needs inputs of rank 3 (batch, time, features). Received: {inputShapes[0]}");
        int Dim(Shape s) => s[^1] ?? throw new ArgumentException($"Layer \"{Name}\": the feature dimension must be known. Received: {s}");
        int queryDim = Dim(inputShapes[0]);
        int valueDim = Dim(inputShapes[Math.Min(1, inputShapes.Count - 1)]);
        int keyDim = inputShapes.Count > 2 ? Dim(inputShapes[2]) : valueDim;
        int output = OutputDim ?? queryDim;
        (_queryKernel, _queryBias) = Projection("query", [queryDim, NumHeads, KeyDim], [NumHeads, KeyDim]);
        (_keyKernel, _keyBias) = Projection("key", [keyDim, NumHeads, KeyDim], [NumHeads, KeyDim]);
        (_valueKernel, _valueBias) = Projection("value", [valueDim, NumHeads, ValueDim], [NumHeads, ValueDim]);
        (_outputKernel, _outputBias) = Projection("attention_output", [NumHeads, ValueDim, output], [output]);
    }

    private (Variable Kernel, Variable? Bias) Projection(string name, int[] kernelShape, int[] biasShape)
    {
        string prefix = $"{Name}/{name}";
        var kernel = AddWeight("kernel", kernelShape, KernelInitializer, pathPrefix: prefix);
        var bias = UseBias ? AddWeight("bias", biasShape, BiasInitializer, pathPrefix: prefix) : null;
        return (kernel, bias);
    }

    /// <summary>The attention axes (sorted, non-negative) and the other axes between batch and features, for inputs of <paramref name="rank"/>.</summary>
    private (int[] Attention, int[] Others) Axes(int rank)
    {
        var middle = Enumerable.Range(1, rank - 2).ToArray();
        if (AttentionAxes is null) return (middle, []);
        var attention = AttentionAxes.Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
        if (attention.Length == 0 || attention.Any(a => a < 1 || a > rank - 2))
            throw new ArgumentException($"Layer \"{Name}\": attention_axes must lie between the batch and feature axes of inputs of rank {rank}. Received: attention_axes=({string.Join(", ", AttentionAxes)})");
        return (attention, middle.Except(attention).ToArray());
    }

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes) => ComputeOutputShapes(inputShapes, CallArgumentDefaults);

    /// <inheritdoc />
    protected override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes, IReadOnlyDictionary<string, object> arguments)
    {
        var query = inputShapes[0];
        var value = inputShapes.Count > 1 ? inputShapes[1] : query;
        if ((bool)arguments["use_causal_mask"] && query.Rank != 3)
            throw new ArgumentException($"Layer \"{Name}\": use_causal_mask needs inputs of rank 3 (batch, time, features). Received: {query}");
        var output = query.WithDim(^1, OutputDim ?? query[^1]);
        if (!(bool)arguments["return_attention_scores"]) return [output];
        // Keras's score axes: batch and the other axes, heads, the query's attention axes, the value's attention axes.
        var (attention, others) = Axes(query.Rank);
        int?[] scores = [query[0], .. others.Select(a => query[a]), NumHeads, .. attention.Select(a => query[a]), .. attention.Select(a => value[a])];
        return [output, new Shape(scores)];
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShapes([inputShape])[0];

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => CallCore([inputs, inputs], context)[0];

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCoreOutputs(Tensor inputs, CallContext context) => CallCore([inputs, inputs], context);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context)
    {
        var query = inputs[0];
        var value = inputs.Count > 1 ? inputs[1] : query;
        var key = inputs.Count > 2 ? inputs[2] : value;
        var valueMask = context.Masks.Count > 1 ? context.Masks[1] : null;
        int rank = query.Rank;
        var (attention, others) = Axes(rank);
        bool returnScores = CallArgument<bool>(context, "return_attention_scores");
        if (others.Length == 0 && attention.Length == 1)
        {
            var (output, weights) = Attend(query, value, key, valueMask, context);
            return returnScores ? [output, weights] : [output];
        }
        // Other axes join the batch, attention axes become one sequence axis: (batch·others, positions, features).
        long[] order = [0, .. others, .. attention, rank - 1];
        var queryShape = query.Shape;
        long batch = queryShape[0]!.Value * others.Aggregate(1L, (p, a) => p * queryShape[a]!.Value);
        Tensor Flat(Tensor x) => Ops.Reshape(Ops.Transpose(x, order), batch, -1, x.Shape[^1]!.Value);
        Tensor? FlatMask(Tensor? mask) => mask is null ? null : Ops.Reshape(Ops.Transpose(mask, order[..^1]), batch, -1);
        var (flatOutput, flatWeights) = Attend(Flat(query), Flat(value), Flat(key), FlatMask(valueMask), context);
        long[] leading = [queryShape[0]!.Value, .. others.Select(a => (long)queryShape[a]!.Value)];
        long[] queryPositions = attention.Select(a => (long)queryShape[a]!.Value).ToArray();
        var outputInOrder = Ops.Reshape(flatOutput, [.. leading, .. queryPositions, flatOutput.Shape[^1]!.Value]);
        var inverse = new long[rank];
        for (int i = 0; i < rank; i++) inverse[order[i]] = i;
        var result = Ops.Transpose(outputInOrder, inverse);
        if (!returnScores) return [result];
        long[] valuePositions = attention.Select(a => (long)value.Shape[a]!.Value).ToArray();
        return [result, Ops.Reshape(flatWeights, [.. leading, NumHeads, .. queryPositions, .. valuePositions])];
    }

    /// <summary>Attention over (batch, time, features) inputs: the output and the weights (batch, heads, Tq, Tv).</summary>
    private (Tensor Output, Tensor Weights) Attend(Tensor query, Tensor value, Tensor key, Tensor? valueMask, CallContext context)
    {
        Tensor Project(Tensor x, Variable kernel, Variable? bias)
        {
            var y = Ops.Einsum("abc,cde->abde", x, kernel);
            return bias is null ? y : Ops.Add(y, bias.Value);
        }
        var q = Ops.Multiply(Project(query, _queryKernel!, _queryBias), 1.0 / Math.Sqrt(KeyDim));
        var k = Project(key, _keyKernel!, _keyBias);
        var v = Project(value, _valueKernel!, _valueBias);
        var scores = Ops.Einsum("aecd,abcd->acbe", k, q);   // (batch, heads, Tq, Tv)
        if (valueMask is not null)
            scores = Ops.Where(Ops.ExpandDims(Ops.ExpandDims(valueMask, 1), 1), scores, Ops.Full([], -1e9, scores.DType));
        if (CallArgument<bool>(context, "use_causal_mask"))
            scores = Ops.Where(Ops.CausalMask(scores.Shape[2]!.Value, scores.Shape[3]!.Value), scores, Ops.Full([], -1e9, scores.DType));
        var weights = Ops.Softmax(scores, -1);
        var attended = Ops.Einsum("acbe,aecd->abcd", Ops.Dropout(weights, Dropout, context.Training), v);
        var output = Ops.Einsum("abcd,cde->abe", attended, _outputKernel!);
        if (_outputBias is not null) output = Ops.Add(output, _outputBias.Value);
        return (output, weights);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        [masks.Count > 0 ? masks[0] : null, .. Enumerable.Repeat<Tensor?>(null, outputCount - 1)];

    /// <inheritdoc />
    internal override IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        // Keras 3 keeps each projection in an EinsumDense sublayer: layers/multi_head_attention/query_dense/vars.
        yield return (path, Name, []);
        yield return ($"{path}/query_dense", "query", Pair(_queryKernel, _queryBias));
        yield return ($"{path}/key_dense", "key", Pair(_keyKernel, _keyBias));
        yield return ($"{path}/value_dense", "value", Pair(_valueKernel, _valueBias));
        yield return ($"{path}/output_dense", "attention_output", Pair(_outputKernel, _outputBias));
    }

    private static IReadOnlyList<Variable> Pair(Variable? kernel, Variable? bias) =>
        new[] { kernel, bias }.Where(v => v is not null).Select(v => v!).ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("num_heads", NumHeads).With("key_dim", KeyDim).With("value_dim", ValueDim).With("dropout", Dropout)
        .With("use_bias", UseBias).With("output_shape", OutputDim).With("attention_axes", AttentionAxes)
        .With("kernel_initializer", KernelInitializer).With("bias_initializer", BiasInitializer);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static MultiHeadAttention FromConfig(LayerConfig config) => config.Construct<MultiHeadAttention>();
}
