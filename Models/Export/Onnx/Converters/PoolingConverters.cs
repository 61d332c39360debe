using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary>Max and average pooling (average over the window's real values only, as TensorFlow's "same"), and global pooling.</summary>
internal static class PoolingOnnx
{
    public static IReadOnlyList<string> Convert(Pooling layer, OnnxGraph graph, OnnxCall call)
    {
        int rank = layer.Rank;
        var y = ConvolutionOnnx.Apply(graph, call, layer.DataFormat, rank, x =>
        {
            var sizes = ConvolutionOnnx.Spatial(call.InputShape, layer.DataFormat, rank);
            var padding = Onnx.Padding(layer.Padding, sizes, layer.PoolSize, layer.Strides, Enumerable.Repeat(1, rank).ToArray());
            return layer.IsMax
                ? graph.Add("MaxPool", [x], call.Hint, ("kernel_shape", layer.PoolSize), ("strides", layer.Strides), padding)
                : graph.Add("AveragePool", [x], call.Hint, ("kernel_shape", layer.PoolSize), ("strides", layer.Strides), padding, ("count_include_pad", 0));
        });
        return [y];
    }

    public static IReadOnlyList<string> Convert(GlobalPooling layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        int first = layer.DataFormat == "channels_last" ? 1 : 2;
        long[] axes = Enumerable.Range(first, layer.Rank).Select(a => (long)a).ToArray();
        if (call.AnyMask && layer.SupportsMasking && layer.DataFormat == "channels_last")
        {
            // GlobalAveragePooling1D under a mask: the mean of the kept steps, Σ x·m / Σ m over time, as Predict.
            var mask = call.MaskValue(0) ?? throw new NotSupportedException(
                $"Layer \"{layer.Name}\" ({layer.ClassName}) averages under a mask the ONNX export does not compute.");
            var weights = graph.Add("Unsqueeze", [graph.Add("Cast", [mask], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float)), graph.Longs(hint + "/feature_axis", 2)], hint);
            var total = graph.Add("ReduceSum", [graph.Add("Mul", [call.Input, weights], hint), graph.Longs(hint + "/axes", axes)], hint, ("keepdims", layer.Keepdims ? 1 : 0));
            var count = graph.Add("ReduceSum", [weights, graph.Longs(hint + "/axes", axes)], hint, ("keepdims", layer.Keepdims ? 1 : 0));
            return [graph.Add("Div", [total, count], hint)];
        }
        return [graph.Add(layer.IsMax ? "ReduceMax" : "ReduceMean", [call.Input], hint, ("axes", axes), ("keepdims", layer.Keepdims ? 1 : 0))];
    }

    /// <summary>Global pooling gives no mask: it pools the masked axis away.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(GlobalPooling layer, OnnxGraph graph, OnnxCall call) => [null];
}
