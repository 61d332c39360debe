using TfFunctional.Layers;

namespace TfFunctional.Export.Onnx.Converters;

/// <summary>
/// Attention, AdditiveAttention and MultiHeadAttention in inference: scores, the causal mask as a constant, softmax, the
/// weighted values (and the weights as a second output when asked). Keras masks are followed as in Predict.
/// </summary>
internal static class AttentionOnnx
{
    public static IReadOnlyList<string> Convert(BaseAttention layer, OnnxGraph graph, OnnxCall call)
    {
        // As Predict: masked value steps get −1e9 before the softmax, masked query steps a zero output.
        string? queryMask = MaskOf(layer, call, 0), valueMask = MaskOf(layer, call, 1);
        string hint = call.Hint;
        var (query, value) = (call.Inputs[0], call.Inputs[1]);
        var key = call.Inputs.Count > 2 ? call.Inputs[2] : value;
        string scores = layer switch
        {
            Attention { ScoreMode: "dot" } attention => Scaled(graph, attention,
                graph.Add("MatMul", [query, graph.Add("Transpose", [key], hint, ("perm", new long[] { 0, 2, 1 }))], hint), hint),
            Attention attention => graph.Add("Mul", [SumOfTanh(graph, attention, query, key, hint), graph.Weight(Onnx.Weight(layer, "concat_score_weight"))], hint),
            AdditiveAttention additive => SumOfTanh(graph, additive, query, key, hint),
            _ => throw new NotSupportedException($"Layer \"{layer.Name}\" ({layer.ClassName}) has no ONNX converter."),
        };
        if (valueMask is not null) scores = Masked(graph, scores, valueMask, [1], hint);
        if (call.Argument<bool>("use_causal_mask")) scores = Causal(graph, scores, call.InputShapes[0][1], call.InputShapes[1][1], layer, hint);
        var weights = graph.Add("Softmax", [scores], hint, ("axis", -1));
        var output = graph.Add("MatMul", [weights, value], hint);
        if (queryMask is not null)
            output = graph.Add("Mul", [output, graph.Add("Unsqueeze", [graph.Add("Cast", [queryMask], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float)), graph.Longs(hint + "/axes", -1)], hint)], hint);
        return call.Argument<bool>("return_attention_scores") ? [output, weights] : [output];
    }

    public static IReadOnlyList<string> Convert(MultiHeadAttention layer, OnnxGraph graph, OnnxCall call)
    {
        // As Predict: a mask on the value (a second input) gives its masked steps −1e9 before the softmax.
        string? valueMask = call.Inputs.Count > 1 ? MaskOf(layer, call, 1) : null;
        string hint = call.Hint;
        var query = call.Inputs[0];
        var value = call.Inputs.Count > 1 ? call.Inputs[1] : query;
        var key = call.Inputs.Count > 2 ? call.Inputs[2] : value;
        var queryShape = call.InputShapes[0];
        var valueShape = call.InputShapes.Count > 1 ? call.InputShapes[1] : queryShape;
        int rank = queryShape.Rank;
        var middle = Enumerable.Range(1, rank - 2).ToArray();
        var attention = layer.AttentionAxes is null ? middle : layer.AttentionAxes.Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
        var others = middle.Except(attention).ToArray();
        bool plain = others.Length == 0 && attention.Length == 1;
        int Size(Shape shape, int axis) => shape[axis] ?? throw new NotSupportedException(
            $"Layer \"{layer.Name}\" (MultiHeadAttention): the ONNX export needs static sizes on the axes it folds; got {shape}.");
        long[] order = [0, .. others.Select(a => (long)a), .. attention.Select(a => (long)a), rank - 1];
        string Flat(string x, Shape shape) => plain ? x : graph.Add("Reshape",
            [graph.Add("Transpose", [x], hint, ("perm", order)), graph.Longs(hint + "/flat", -1, attention.Aggregate(1L, (p, a) => p * Size(shape, a)), Size(shape, rank - 1))], hint);

        string Project(string x, string name)
        {
            var y = graph.Add("Einsum", [x, graph.Weight(Projection(layer, name, "kernel"))], hint, ("equation", "abc,cde->abde"));
            return layer.UseBias ? graph.Add("Add", [y, graph.Weight(Projection(layer, name, "bias"))], hint) : y;
        }
        var q = graph.Add("Mul", [Project(Flat(query, queryShape), "query"), graph.Scalar(hint + "/scale", 1 / Math.Sqrt(layer.KeyDim))], hint);
        var k = Project(Flat(key, call.InputShapes.Count > 2 ? call.InputShapes[2] : valueShape), "key");
        var v = Project(Flat(value, valueShape), "value");
        var scores = graph.Add("Einsum", [k, q], hint, ("equation", "aecd,abcd->acbe"));   // (batch, heads, Tq, Tv)
        if (valueMask is not null)
            scores = plain ? Masked(graph, scores, valueMask, [1, 2], hint) : throw new NotSupportedException(
                $"Layer \"{layer.Name}\" (MultiHeadAttention) receives a mask over several attention axes, which the ONNX export does not express.");
        if (call.Argument<bool>("use_causal_mask")) scores = Causal(graph, scores, queryShape[1], valueShape[1], layer, hint);
        var weights = graph.Add("Softmax", [scores], hint, ("axis", -1));
        var attended = graph.Add("Einsum", [weights, v], hint, ("equation", "acbe,aecd->abcd"));
        var output = graph.Add("Einsum", [attended, graph.Weight(Projection(layer, "attention_output", "kernel"))], hint, ("equation", "abcd,cde->abe"));
        if (layer.UseBias) output = graph.Add("Add", [output, graph.Weight(Projection(layer, "attention_output", "bias"))], hint);
        if (plain) return call.Argument<bool>("return_attention_scores") ? [output, weights] : [output];

        // Back from (batch·others, positions, features) to the query's own layout.
        long[] unfolded = [-1, .. others.Select(a => (long)Size(queryShape, a)), .. attention.Select(a => (long)Size(queryShape, a)), Size(call.OutputShape, rank - 1)];
        var inverse = new long[rank];
        for (int i = 0; i < rank; i++) inverse[order[i]] = i;
        var result = graph.Add("Transpose", [graph.Add("Reshape", [output, graph.Longs(hint + "/unfolded", unfolded)], hint)], hint, ("perm", inverse));
        if (!call.Argument<bool>("return_attention_scores")) return [result];
        long[] scoreShape = [-1, .. others.Select(a => (long)Size(queryShape, a)), layer.NumHeads, .. attention.Select(a => (long)Size(queryShape, a)), .. attention.Select(a => (long)Size(valueShape, a))];
        return [result, graph.Add("Reshape", [weights, graph.Longs(hint + "/scores", scoreShape)], hint)];
    }

    /// <summary>One of MultiHeadAttention's projections' weights (Keras paths <c>name/query/kernel</c>, …).</summary>
    private static Variable Projection(MultiHeadAttention layer, string projection, string weight) =>
        layer.Weights.FirstOrDefault(w => w.Path.EndsWith($"/{projection}/{weight}", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"Layer \"{layer.Name}\" (MultiHeadAttention) has no weight {projection}/{weight} to export.");

    /// <summary>The value of input <paramref name="index"/>'s mask, or null when none reaches it.</summary>
    /// <exception cref="NotSupportedException">A mask reaches it whose value the export does not compute.</exception>
    private static string? MaskOf(Layer layer, OnnxCall call, int index) =>
        index >= call.Masked.Count || !call.Masked[index] ? null : call.MaskValue(index) ?? throw new NotSupportedException(
            $"Layer \"{layer.Name}\" ({layer.ClassName}) receives a mask the ONNX export does not compute (it comes through a layer without an ONNX mask rule).");

    /// <summary>Scores whose key step is masked become −1e9 (the mask (batch, Tv) widened at <paramref name="axes"/>).</summary>
    private static string Masked(OnnxGraph graph, string scores, string mask, long[] axes, string hint) =>
        graph.Add("Where", [graph.Add("Unsqueeze", [mask, graph.Longs(hint + "/axes", axes)], hint), scores, graph.Scalar(hint + "/masked", -1e9)], hint);

    /// <summary>The attention output carries the query's mask, the scores none, as <c>ComputeMasks</c>.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(BaseAttention layer, OnnxGraph graph, OnnxCall call) => QueryMaskOnOutput(call);

    /// <summary>The attention output carries the query's mask, the scores none, as <c>ComputeMasks</c>.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(MultiHeadAttention layer, OnnxGraph graph, OnnxCall call) => QueryMaskOnOutput(call);

    private static IReadOnlyList<OnnxMask?> QueryMaskOnOutput(OnnxCall call) =>
        [call.Mask(0), .. call.Argument<bool>("return_attention_scores") ? new OnnxMask?[] { null } : []];

    private static string Scaled(OnnxGraph graph, Attention layer, string scores, string hint) =>
        layer.UseScale ? graph.Add("Mul", [scores, graph.Weight(Onnx.Weight(layer, "scale"))], hint) : scores;

    /// <summary>Σ over features of [scale ·] tanh(q_i + k_j): (batch, Tq, Tv).</summary>
    private static string SumOfTanh(OnnxGraph graph, BaseAttention layer, string query, string key, string hint)
    {
        var q = graph.Add("Unsqueeze", [query, graph.Longs(hint + "/axes", 2)], hint);
        var k = graph.Add("Unsqueeze", [key, graph.Longs(hint + "/axes", 1)], hint);
        var terms = graph.Add("Tanh", [graph.Add("Add", [q, k], hint)], hint);
        bool scaled = layer is Attention { UseScale: true } or AdditiveAttention { UseScale: true };
        if (scaled) terms = graph.Add("Mul", [terms, graph.Weight(Onnx.Weight(layer, "scale"))], hint);
        return graph.Add("ReduceSum", [terms, graph.Longs(hint + "/axes", -1)], hint, ("keepdims", 0));
    }

    /// <summary>Scores where key position j &gt; query position i become −1e9, as Keras's causal mask.</summary>
    private static string Causal(OnnxGraph graph, string scores, int? queries, int? keys, Layer layer, string hint)
    {
        if (queries is not int rows || keys is not int columns)
            throw new NotSupportedException($"Layer \"{layer.Name}\" ({layer.ClassName}): the ONNX export of use_causal_mask needs static sequence lengths.");
        var allowed = new float[rows * columns];
        for (int i = 0; i < rows; i++) for (int j = 0; j <= Math.Min(i, columns - 1); j++) allowed[i * columns + j] = 1;
        var keep = graph.Add("Cast", [graph.Constant(hint + "/causal", allowed, rows, columns)], hint, ("to", (long)Proto.TensorProto.Types.DataType.Bool));
        return graph.Add("Where", [keep, scores, graph.Scalar(hint + "/masked", -1e9)], hint);
    }
}
