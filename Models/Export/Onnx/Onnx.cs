using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx;

/// <summary>What many converters share: weights by Keras name, reshapes, and moving channels between Keras's and ONNX's layouts.</summary>
internal static class Onnx
{
    /// <summary>The layer's weight called <paramref name="name"/> (Keras's short name: kernel, bias, gamma, …).</summary>
    public static Variable Weight(Layer layer, string name) =>
        layer.Weights.FirstOrDefault(w => w.Name == name)
        ?? throw new InvalidOperationException($"Layer \"{layer.Name}\" ({layer.ClassName}) has no weight '{name}' to export.");

    /// <summary>A reshape to <paramref name="shape"/> (Keras form, batch unknown): the batch axis is copied, every other size is static.</summary>
    public static string Reshape(OnnxGraph graph, string x, Shape shape, string hint)
    {
        if (Enumerable.Range(1, shape.Rank - 1).Any(i => shape[i] is null))
            throw new NotSupportedException($"Layer \"{hint}\": the ONNX export needs static sizes after the batch axis to reshape; got {shape}.");
        return graph.Add("Reshape", [x, graph.Longs(hint + "/shape", [0, .. Enumerable.Range(1, shape.Rank - 1).Select(i => (long)shape[i]!.Value)])], hint);
    }

    /// <summary>channels_last (batch, spatial…, channels) → ONNX's (batch, channels, spatial…).</summary>
    public static string ChannelsFirst(OnnxGraph graph, string x, int rank, string hint) =>
        graph.Add("Transpose", [x], hint, ("perm", (long[])[0, rank - 1, .. Enumerable.Range(1, rank - 2).Select(a => (long)a)]));

    /// <summary>ONNX's (batch, channels, spatial…) → channels_last.</summary>
    public static string ChannelsLast(OnnxGraph graph, string x, int rank, string hint) =>
        graph.Add("Transpose", [x], hint, ("perm", (long[])[0, .. Enumerable.Range(2, rank - 2).Select(a => (long)a), 1]));

    /// <summary>
    /// The ONNX attribute for Keras's padding over spatial sizes <paramref name="sizes"/>: "valid" no pads, "causal" all
    /// before, "same" TensorFlow's pads (the odd one after) — explicit where the sizes are known, else ONNX's SAME_UPPER,
    /// which pads the same way at run time.
    /// </summary>
    public static (string Name, object Value) Padding(string padding, IReadOnlyList<int?> sizes, int[] kernel, int[] strides, int[] dilations)
    {
        int rank = kernel.Length;
        var pads = new long[2 * rank];
        if (padding == "valid") return ("pads", pads);
        if (padding == "same" && sizes.Any(s => s is null)) return ("auto_pad", "SAME_UPPER");
        for (int i = 0; i < rank; i++)
        {
            int effective = (kernel[i] - 1) * dilations[i] + 1;
            if (padding == "causal")
            {
                pads[i] = effective - 1;
                continue;
            }
            int size = sizes[i]!.Value;
            int output = (size + strides[i] - 1) / strides[i];
            int total = Math.Max((output - 1) * strides[i] + effective - size, 0);
            pads[i] = total / 2;
            pads[rank + i] = total - total / 2;
        }
        return ("pads", pads);
    }
}
