using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary>The merge layers: element-wise (ONNX broadcasts as Keras does), Concatenate and Dot.</summary>
internal static class MergeOnnx
{
    public static IReadOnlyList<string> Convert(Add layer, OnnxGraph graph, OnnxCall call) => [graph.Add("Sum", call.Inputs, call.Hint)];

    public static IReadOnlyList<string> Convert(Subtract layer, OnnxGraph graph, OnnxCall call) => [graph.Add("Sub", call.Inputs, call.Hint)];

    public static IReadOnlyList<string> Convert(Multiply layer, OnnxGraph graph, OnnxCall call) =>
        [call.Inputs.Skip(1).Aggregate(call.Inputs[0], (product, x) => graph.Add("Mul", [product, x], call.Hint))];

    public static IReadOnlyList<string> Convert(Average layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("Div", [graph.Add("Sum", call.Inputs, call.Hint), graph.Scalar(call.Hint + "/count", call.Inputs.Count)], call.Hint)];

    public static IReadOnlyList<string> Convert(Maximum layer, OnnxGraph graph, OnnxCall call) => [graph.Add("Max", call.Inputs, call.Hint)];

    public static IReadOnlyList<string> Convert(Minimum layer, OnnxGraph graph, OnnxCall call) => [graph.Add("Min", call.Inputs, call.Hint)];

    public static IReadOnlyList<string> Convert(Concatenate layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("Concat", call.Inputs, call.Hint, ("axis", layer.Axis))];

    /// <summary>Keras 1's <c>Merge(mode=...)</c>: the Keras 2 layer it computes as.</summary>
    public static IReadOnlyList<string> Convert(Merge layer, OnnxGraph graph, OnnxCall call) => OnnxGraphWriter.Convert(layer.Operation, graph, call);

    /// <summary>
    /// Keras's <c>batch_dot</c> over one axis of each input: the contracted axis of the first is moved last, of the
    /// second to axis 1, and a batched MatMul does the rest; (batch, n)·(batch, n) gives (batch, 1).
    /// </summary>
    /// <summary>An element-wise merge keeps a step every masked input keeps (inputs without a mask keep all), as <c>ComputeMasks</c>.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(ElementwiseMerge layer, OnnxGraph graph, OnnxCall call)
    {
        var present = Enumerable.Range(0, call.Inputs.Count).Select(call.Mask).OfType<OnnxMask>().ToArray();
        if (present.Length == 0) return [null];
        if (present.Any(m => m.Value is null)) return [new OnnxMask(null)];
        return [new OnnxMask(present.Skip(1).Aggregate(present[0].Value!, (joined, m) => graph.Add("And", [joined, m.Value!], call.Hint + "/mask")))];
    }

    /// <summary>
    /// Concatenate's mask, as <c>ComputeMasks</c>: each input's mask widened to the input's shape (all true for an input
    /// without one), joined along the axis, and a step kept where any of its values is.
    /// </summary>
    public static IReadOnlyList<OnnxMask?> Mask(Concatenate layer, OnnxGraph graph, OnnxCall call)
    {
        var masks = Enumerable.Range(0, call.Inputs.Count).Select(call.Mask).ToArray();
        if (masks.All(m => m is null)) return [null];
        if (masks.Any(m => m is { Value: null })) return [new OnnxMask(null)];
        string hint = call.Hint + "/mask";
        string ToBool(string x) => graph.Add("Cast", [x], hint, ("to", (long)Proto.TensorProto.Types.DataType.Bool));
        var widened = call.Inputs.Select((input, i) => graph.Add("Expand",
            [masks[i] is { Value: { } value } ? graph.Add("Unsqueeze", [value, graph.Longs(hint + "/axes", -1)], hint) : ToBool(graph.Longs(hint + "/true", 1)),
             graph.Add("Shape", [input], hint)], hint)).ToArray();
        var joined = graph.Add("Cast", [graph.Add("Concat", widened, hint, ("axis", (long)layer.Axis))], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float));
        return [new OnnxMask(ToBool(graph.Add("ReduceMax", [joined], hint, ("axes", new long[] { -1 }), ("keepdims", 0))))];
    }

    /// <summary>Dot gives no mask: it contracts the axes the masks run over.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(Dot layer, OnnxGraph graph, OnnxCall call) => [null];

    public static IReadOnlyList<string> Convert(Dot layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        var (x, y) = (call.Inputs[0], call.Inputs[1]);
        int rankX = call.InputShapes[0].Rank, rankY = call.InputShapes[1].Rank;
        int axisX = layer.Axes[0] < 0 ? layer.Axes[0] + rankX : layer.Axes[0];
        int axisY = layer.Axes[1] < 0 ? layer.Axes[1] + rankY : layer.Axes[1];
        if (layer.Normalize)
        {
            x = L2Normalize(graph, x, axisX, hint);
            y = L2Normalize(graph, y, axisY, hint);
        }
        if (rankX == 2 && rankY == 2)
            return [graph.Add("ReduceSum", [graph.Add("Mul", [x, y], hint), graph.Longs(hint + "/axes", 1)], hint, ("keepdims", 1))];
        var movedX = graph.Add("Transpose", [x], hint, ("perm", Enumerable.Range(0, rankX).Where(a => a != axisX).Append(axisX).Select(a => (long)a).ToArray()));
        var permY = new List<long> { 0, axisY };
        permY.AddRange(Enumerable.Range(1, rankY - 1).Where(a => a != axisY).Select(a => (long)a));
        var movedY = graph.Add("Transpose", [y], hint, ("perm", permY.ToArray()));
        if (rankX != 3 || rankY != 3)
            throw new NotSupportedException($"Layer \"{layer.Name}\" (Dot) contracts inputs of ranks {rankX} and {rankY}; the ONNX export writes ranks 2 and 3.");
        return [graph.Add("MatMul", [movedX, movedY], hint)];
    }

    /// <summary>Keras's <c>l2_normalize</c>: x / √max(Σx², 1e-12).</summary>
    private static string L2Normalize(OnnxGraph graph, string x, int axis, string hint)
    {
        var squares = graph.Add("ReduceSum", [graph.Add("Mul", [x, x], hint), graph.Longs(hint + "/axes", axis)], hint, ("keepdims", 1));
        var norm = graph.Add("Sqrt", [graph.Add("Max", [squares, graph.Scalar(hint + "/epsilon", 1e-12)], hint)], hint);
        return graph.Add("Div", [x, norm], hint);
    }
}
