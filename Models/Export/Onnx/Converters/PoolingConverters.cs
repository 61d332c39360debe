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
        if (call.AnyMask && layer.SupportsMasking)
            throw new NotSupportedException($"Layer \"{layer.Name}\" ({layer.ClassName}) averages under a mask, which the ONNX export does not express yet.");
        int first = layer.DataFormat == "channels_last" ? 1 : 2;
        long[] axes = Enumerable.Range(first, layer.Rank).Select(a => (long)a).ToArray();
        return [graph.Add(layer.IsMax ? "ReduceMax" : "ReduceMean", [call.Input], call.Hint, ("axes", axes), ("keepdims", layer.Keepdims ? 1 : 0))];
    }
}
