using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary><see cref="TimeDistributed"/>: the inner layer (or model) on (batch·time, …), reshaped back to (batch, time, …).</summary>
internal static class TimeDistributedOnnx
{
    public static IReadOnlyList<string> Convert(TimeDistributed layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        var inner = call.InputShape.Slice(1..);   // (time, rest…) → the inner layer sees (None, rest…)
        var innerInput = new Shape([null, .. inner.Dims[1..]]);
        if (Enumerable.Range(1, inner.Rank - 1).Any(i => inner[i] is null) || inner[0] is null)
            throw new NotSupportedException($"Layer \"{layer.Name}\" (TimeDistributed): the ONNX export needs static sizes after the batch axis; got {call.InputShape}.");
        var folded = graph.Add("Reshape", [call.Input, graph.Longs(hint + "/folded", [-1, .. innerInput.Dims[1..].Select(d => (long)d!.Value)])], hint);
        var innerOutput = new Shape([null, .. call.OutputShape.Dims[2..]]);
        var innerCall = new OnnxCall(hint + "/" + layer.Layer.Name, [folded], [innerInput], call.InputDTypes, call.Masked, [innerOutput], call.Arguments);
        var y = OnnxGraphWriter.Convert(layer.Layer, graph, innerCall);
        if (y.Count != 1) throw new NotSupportedException($"Layer \"{layer.Name}\" (TimeDistributed) wraps a layer with {y.Count} outputs.");
        long[] unfolded = [-1, inner[0]!.Value, .. call.OutputShape.Dims[2..].Select(d => (long)(d ?? throw new NotSupportedException($"Layer \"{layer.Name}\" (TimeDistributed): unknown output size.")))];
        return [graph.Add("Reshape", [y[0], graph.Longs(hint + "/unfolded", unfolded)], hint)];
    }
}
