using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary>
/// The convolutions: Keras kernels (spatial…, in, out) become ONNX's (out, in, spatial…); channels_last inputs are moved to
/// ONNX's channels-first layout around the operator and back; Keras's "same" and "causal" become explicit pads.
/// </summary>
internal static class ConvolutionOnnx
{
    public static IReadOnlyList<string> Convert(Conv layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        int rank = layer.Rank;
        var kernel = Onnx.Weight(layer, "kernel");
        string weight;
        using (Ops.NewScope())
            weight = graph.Constant(kernel.Path, Ops.Transpose(kernel.KerasValue, [rank + 1, rank, .. Enumerable.Range(0, rank).Select(a => (long)a)]));
        var y = Apply(graph, call, layer.DataFormat, rank, x =>
        {
            var sizes = Spatial(call.InputShape, layer.DataFormat, rank);
            var padding = Onnx.Padding(layer.Padding, sizes, layer.KernelSize, layer.Strides, layer.DilationRate);
            string[] inputs = layer.UseBias ? [x, weight, graph.Weight(Onnx.Weight(layer, "bias"))] : [x, weight];
            return graph.Add("Conv", inputs, hint, ("kernel_shape", layer.KernelSize), ("strides", layer.Strides),
                ("dilations", layer.DilationRate), padding, ("group", layer.Groups));
        });
        return [OnnxActivations.Apply(layer.Activation, graph, y, hint, layer)];
    }

    public static IReadOnlyList<string> Convert(ConvTranspose layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        int rank = layer.Rank;
        var kernel = Onnx.Weight(layer, "kernel");   // (spatial…, out, in) → ONNX ConvTranspose's (in, out, spatial…)
        string weight;
        using (Ops.NewScope())
            weight = graph.Constant(kernel.Path, Ops.Transpose(kernel.KerasValue, [rank + 1, rank, .. Enumerable.Range(0, rank).Select(a => (long)a)]));
        var y = Apply(graph, call, layer.DataFormat, rank, x =>
        {
            var sizes = Spatial(call.InputShape, layer.DataFormat, rank);
            var pads = new long[2 * rank];
            var outputPadding = new long[rank];
            for (int i = 0; i < rank; i++)
            {
                // The transpose of a strided convolution: its full output is (in − 1)·s + k_eff; Keras keeps in·s for "same"
                // (cropping TensorFlow's forward pads, the odd one after) and the full size for "valid".
                int effective = (layer.KernelSize[i] - 1) * layer.DilationRate[i] + 1;
                if (layer.OutputPadding is { } given)
                {
                    // Keras with output_padding: (in − 1)·s + k_eff − 2·pad + output_padding, pad = k_eff / 2 for "same" —
                    // ONNX's own formula with that pad on both sides.
                    int pad = layer.Padding == "same" ? effective / 2 : 0;
                    (pads[i], pads[rank + i], outputPadding[i]) = (pad, pad, given[i]);
                    continue;
                }
                if (layer.Padding != "same") continue;
                int size = sizes[i] ?? throw new NotSupportedException($"Layer \"{layer.Name}\": the ONNX export of padding='same' needs static spatial sizes.");
                int full = (size - 1) * layer.Strides[i] + effective, wanted = size * layer.Strides[i];
                int crop = full - wanted;
                if (crop >= 0)
                {
                    pads[i] = crop / 2;
                    pads[rank + i] = crop - crop / 2;
                }
                else outputPadding[i] = -crop;
            }
            string[] inputs = layer.UseBias ? [x, weight, graph.Weight(Onnx.Weight(layer, "bias"))] : [x, weight];
            return graph.Add("ConvTranspose", inputs, hint, ("kernel_shape", layer.KernelSize), ("strides", layer.Strides),
                ("dilations", layer.DilationRate), ("pads", pads), ("output_padding", outputPadding));
        });
        return [OnnxActivations.Apply(layer.Activation, graph, y, hint, layer)];
    }

    /// <summary>DepthwiseConv2D and SeparableConv2D: a grouped convolution (one group per input channel), then for SeparableConv2D a 1×1 one.</summary>
    public static IReadOnlyList<string> Convert(DepthwiseConvolution layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        bool separable = layer is SeparableConv2D;
        // (kh, kw, in, multiplier); Keras 3 calls DepthwiseConv2D's "kernel", SeparableConv2D's "depthwise_kernel".
        var depthwise = Onnx.Weight(layer, separable ? "depthwise_kernel" : "kernel");
        int channels = depthwise.Shape[2]!.Value, multiplier = depthwise.Shape[3]!.Value;
        string depthwiseWeight, pointwiseWeight = "";
        using (Ops.NewScope())
        {
            // Output channel c·multiplier + m comes from input channel c: ONNX's (in·multiplier, 1, kh, kw).
            var flat = Ops.Reshape(depthwise.KerasValue, depthwise.Shape[0]!.Value, depthwise.Shape[1]!.Value, channels * multiplier);
            depthwiseWeight = graph.Constant(depthwise.Path, Ops.Reshape(Ops.Transpose(flat, 2, 0, 1), channels * multiplier, 1, depthwise.Shape[0]!.Value, depthwise.Shape[1]!.Value));
            if (separable)
            {
                var pointwise = Onnx.Weight(layer, "pointwise_kernel");   // (1, 1, in·multiplier, filters)
                pointwiseWeight = graph.Constant(pointwise.Path, Ops.Transpose(pointwise.KerasValue, 3, 2, 0, 1));
            }
        }
        var y = Apply(graph, call, layer.DataFormat, 2, x =>
        {
            var sizes = Spatial(call.InputShape, layer.DataFormat, 2);
            var padding = Onnx.Padding(layer.Padding, sizes, layer.KernelSize, layer.Strides, layer.DilationRate);
            string bias = layer.UseBias ? graph.Weight(Onnx.Weight(layer, "bias")) : "";
            string[] inputs = layer.UseBias && !separable ? [x, depthwiseWeight, bias] : [x, depthwiseWeight];
            var z = graph.Add("Conv", inputs, hint, ("kernel_shape", layer.KernelSize), ("strides", layer.Strides),
                ("dilations", layer.DilationRate), padding, ("group", channels));
            if (!separable) return z;
            return graph.Add("Conv", layer.UseBias ? [z, pointwiseWeight, bias] : [z, pointwiseWeight], hint, ("kernel_shape", new[] { 1, 1 }));
        });
        return [OnnxActivations.Apply(layer.Activation, graph, y, hint, layer)];
    }

    /// <summary>The spatial sizes of a Keras shape (null where unknown).</summary>
    internal static int?[] Spatial(Shape shape, string dataFormat, int rank) =>
        Enumerable.Range(dataFormat == "channels_last" ? 1 : 2, rank).Select(i => shape[i]).ToArray();

    /// <summary>Runs <paramref name="channelsFirst"/> on the input in ONNX's layout and returns the result in Keras's.</summary>
    internal static string Apply(OnnxGraph graph, OnnxCall call, string dataFormat, int rank, Func<string, string> channelsFirst)
    {
        if (dataFormat != "channels_last") return channelsFirst(call.Input);
        var y = channelsFirst(Onnx.ChannelsFirst(graph, call.Input, rank + 2, call.Hint));
        return Onnx.ChannelsLast(graph, y, rank + 2, call.Hint);
    }
}
