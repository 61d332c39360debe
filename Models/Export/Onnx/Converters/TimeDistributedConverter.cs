using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary>
/// <see cref="TimeDistributed"/>: the inner layer (or model) on (batch·time, …), reshaped back to (batch, time, …); a
/// mask reaching it goes to the inner layer folded the same way, and the mask leaving it is the inner layer's, unfolded,
/// or else the one that came in reduced to (batch, time), as <c>ComputeMasks</c>.
/// </summary>
internal static class TimeDistributedOnnx
{
    public static IReadOnlyList<string> Convert(TimeDistributed layer, OnnxGraph graph, OnnxCall call)
    {
        var y = OnnxGraphWriter.Convert(layer.Layer, graph, InnerCall(layer, graph, call));
        if (y.Count != 1) throw new NotSupportedException($"Layer \"{layer.Name}\" (TimeDistributed) wraps a layer with {y.Count} outputs.");
        return [Unfold(layer, graph, call, y[0], call.OutputShape.Dims[2..])];
    }

    public static IReadOnlyList<OnnxMask?> Mask(TimeDistributed layer, OnnxGraph graph, OnnxCall call)
    {
        var inner = OnnxGraphWriter.OutputMasks(layer.Layer, graph, InnerCall(layer, graph, call), 1)[0];
        // A mask has its tensor's shape without the feature axis: the inner one (batch·time, …) unfolds to (batch, time, …).
        if (inner is not null) return [inner.Value is { } value ? new OnnxMask(Unfold(layer, graph, call, value, call.OutputShape.Dims[2..^1])) : inner];
        if (call.Mask(0) is not { Value: { } mask } given) return [call.Mask(0)];
        int rank = call.InputShape.Rank - 1;
        if (rank == 2) return [given];
        // Any sub-step of a step kept: the mask that came in reduced to (batch, time).
        string hint = call.Hint + "/mask";
        var counts = graph.Add("Cast", [mask], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float));
        var any = graph.Add("ReduceMax", [counts], hint, ("axes", Enumerable.Range(2, rank - 2).Select(a => (long)a).ToArray()), ("keepdims", 0));
        return [new OnnxMask(graph.Add("Cast", [any], hint, ("to", (long)Proto.TensorProto.Types.DataType.Bool)))];
    }

    /// <summary>The inner layer's call: the input folded to (batch·time, …), and its mask folded the same way.</summary>
    private static OnnxCall InnerCall(TimeDistributed layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        var inner = call.InputShape.Slice(1..);   // (time, rest…) → the inner layer sees (None, rest…)
        if (Enumerable.Range(0, inner.Rank).Any(i => inner[i] is null))
            throw new NotSupportedException($"Layer \"{layer.Name}\" (TimeDistributed): the ONNX export needs static sizes after the batch axis; got {call.InputShape}.");
        var innerInput = new Shape([null, .. inner.Dims[1..]]);
        var folded = graph.Add("Reshape", [call.Input, graph.Longs(hint + "/folded", [-1, .. innerInput.Dims[1..].Select(d => (long)d!.Value)])], hint);
        var mask = call.Mask(0);
        if (mask?.Value is { } value)
            mask = new OnnxMask(graph.Add("Reshape", [value, graph.Longs(hint + "/folded_mask", [-1, .. innerInput.Dims[1..^1].Select(d => (long)d!.Value)])], hint));
        var innerOutput = new Shape([null, .. call.OutputShape.Dims[2..]]);
        return new OnnxCall(hint + "/" + layer.Layer.Name, [folded], [innerInput], call.InputDTypes, call.Masked, [innerOutput], call.Arguments, [mask]);
    }

    /// <summary>A value of the inner layer, (batch·time, <paramref name="rest"/>…), back as (batch, time, rest…).</summary>
    private static string Unfold(TimeDistributed layer, OnnxGraph graph, OnnxCall call, string value, int?[] rest)
    {
        long[] unfolded = [-1, call.InputShape[1]!.Value, .. rest.Select(d => (long)(d ?? throw new NotSupportedException($"Layer \"{layer.Name}\" (TimeDistributed): unknown output size.")))];
        return graph.Add("Reshape", [value, graph.Longs(call.Hint + "/unfolded", unfolded)], call.Hint);
    }
}
