using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary>UpSampling (nearest: repeats; bilinear: half-pixel linear, as Keras 3), ZeroPadding and Cropping.</summary>
internal static class ReshapingOnnx
{
    public static IReadOnlyList<string> Convert(UpSampling layer, OnnxGraph graph, OnnxCall call)
    {
        int rank = layer.Rank;
        var y = ConvolutionOnnx.Apply(graph, call, layer.DataFormat, rank, x =>
        {
            var scales = graph.Constant(call.Hint + "/scales", [1, 1, .. layer.Size.Select(s => (float)s)], rank + 2);
            return layer.Interpolation == "bilinear"
                ? graph.Add("Resize", [x, "", scales], call.Hint, ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"))
                : graph.Add("Resize", [x, "", scales], call.Hint, ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
        });
        return [y];
    }

    public static IReadOnlyList<string> Convert(SpatialMargins layer, OnnxGraph graph, OnnxCall call)
    {
        int rank = layer.Rank, inputRank = call.InputShape.Rank;
        int Axis(int i) => layer.DataFormat == "channels_last" ? 1 + i : 2 + i;
        if (!layer.Crop)
        {
            var pads = new long[2 * inputRank];
            for (int i = 0; i < rank; i++)
            {
                pads[Axis(i)] = layer.Margins[i][0];
                pads[inputRank + Axis(i)] = layer.Margins[i][1];
            }
            return [graph.Add("Pad", [call.Input, graph.Longs(call.Hint + "/pads", pads)], call.Hint)];
        }
        var starts = new long[rank];
        var ends = new long[rank];
        var axes = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            axes[i] = Axis(i);
            starts[i] = layer.Margins[i][0];
            // A negative end counts from the axis's end; nothing cropped after runs to the end.
            ends[i] = layer.Margins[i][1] == 0 ? long.MaxValue : -layer.Margins[i][1];
        }
        return [graph.Add("Slice", [call.Input, graph.Longs(call.Hint + "/starts", starts), graph.Longs(call.Hint + "/ends", ends), graph.Longs(call.Hint + "/axes", axes)], call.Hint)];
    }
}
