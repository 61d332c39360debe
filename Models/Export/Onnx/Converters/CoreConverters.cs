using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary><see cref="Dense"/>: <c>activation(x · kernel + bias)</c> on the last axis (MatMul broadcasts over the others).</summary>
internal static class DenseOnnx
{
    public static IReadOnlyList<string> Convert(Dense layer, OnnxGraph graph, OnnxCall call)
    {
        var y = graph.Add("MatMul", [call.Input, graph.Weight(Onnx.Weight(layer, "kernel"))], call.Hint);
        if (layer.UseBias) y = graph.Add("Add", [y, graph.Weight(Onnx.Weight(layer, "bias"))], call.Hint);
        return [OnnxActivations.Apply(layer.Activation, graph, y, call.Hint, layer)];
    }
}

/// <summary>Layers that are the identity in inference: Dropout and its spatial forms, the noise layers, ActivityRegularization.</summary>
internal static class InferenceIdentityOnnx
{
    public static IReadOnlyList<string> Convert(Dropout layer, OnnxGraph graph, OnnxCall call) => Identity(graph, call);
    public static IReadOnlyList<string> Convert(SpatialDropout layer, OnnxGraph graph, OnnxCall call) => Identity(graph, call);
    public static IReadOnlyList<string> Convert(GaussianNoise layer, OnnxGraph graph, OnnxCall call) => Identity(graph, call);
    public static IReadOnlyList<string> Convert(GaussianDropout layer, OnnxGraph graph, OnnxCall call) => Identity(graph, call);
    public static IReadOnlyList<string> Convert(ActivityRegularization layer, OnnxGraph graph, OnnxCall call) => Identity(graph, call);

    private static IReadOnlyList<string> Identity(OnnxGraph graph, OnnxCall call) => [graph.Add("Identity", [call.Input], call.Hint)];
}

/// <summary><see cref="Flatten"/>: channels_first inputs are flattened in channels_last order, as Keras does.</summary>
internal static class FlattenOnnx
{
    public static IReadOnlyList<string> Convert(Flatten layer, OnnxGraph graph, OnnxCall call)
    {
        var x = call.Input;
        int rank = call.InputShape.Rank;
        if (layer.DataFormat == "channels_first" && rank > 2)
            x = graph.Add("Transpose", [x], call.Hint, ("perm", (long[])[0, .. Enumerable.Range(2, rank - 2).Select(a => (long)a), 1]));
        return [graph.Add("Flatten", [x], call.Hint, ("axis", 1))];
    }
}

/// <summary><see cref="Reshape"/>: to Keras's output shape, the batch axis copied (ONNX's 0).</summary>
internal static class ReshapeOnnx
{
    public static IReadOnlyList<string> Convert(Reshape layer, OnnxGraph graph, OnnxCall call) =>
        [Onnx.Reshape(graph, call.Input, call.OutputShape, call.Hint)];
}

/// <summary><see cref="Permute"/>: Keras's dims are 1-based and leave the batch axis in place.</summary>
internal static class PermuteOnnx
{
    public static IReadOnlyList<string> Convert(Permute layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("Transpose", [call.Input], call.Hint, ("perm", (long[])[0, .. layer.Dims.Select(d => (long)d)]))];
}

/// <summary><see cref="RepeatVector"/>: (batch, features) → (batch, n, features).</summary>
internal static class RepeatVectorOnnx
{
    public static IReadOnlyList<string> Convert(RepeatVector layer, OnnxGraph graph, OnnxCall call)
    {
        var expanded = graph.Add("Unsqueeze", [call.Input, graph.Longs(call.Hint + "/axes", 1)], call.Hint);
        return [graph.Add("Tile", [expanded, graph.Longs(call.Hint + "/repeats", 1, layer.N, 1)], call.Hint)];
    }
}

/// <summary><see cref="Embedding"/>: a row of the table per id (its mask, with mask_zero, follows the graph).</summary>
internal static class EmbeddingOnnx
{
    public static IReadOnlyList<string> Convert(Embedding layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        var ids = call.InputDTypes[0] is DType.Int64 ? call.Input : graph.Add("Cast", [call.Input], hint, ("to", (long)Proto.TensorProto.Types.DataType.Int64));
        // ONNX's Gather counts negative ids from the end, where Keras refuses them: they become input_dim, which Gather
        // refuses as out of range too, so a bad id is an error in ONNX as in Keras, never another row.
        var negative = graph.Add("Less", [ids, graph.Longs(hint + "/zero", 0)], hint);
        ids = graph.Add("Where", [negative, graph.Longs(hint + "/input_dim", layer.InputDim), ids], hint);
        return [graph.Add("Gather", [graph.Weight(Onnx.Weight(layer, "embeddings")), ids], hint, ("axis", 0))];
    }

    /// <summary>With mask_zero, the mask is <c>ids != 0</c>, as in <c>Predict</c>.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(Embedding layer, OnnxGraph graph, OnnxCall call)
    {
        if (!layer.MaskZero) return [null];
        string hint = call.Hint + "/mask";
        // Compared in the input's own type, as Predict does: a float id of 0.4 is kept by the mask (and looks up row 0).
        bool floating = call.InputDTypes[0].IsFloating();
        var ids = floating
            ? call.InputDTypes[0] is DType.Float32 ? call.Input : graph.Add("Cast", [call.Input], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float))
            : call.InputDTypes[0] is DType.Int64 ? call.Input : graph.Add("Cast", [call.Input], hint, ("to", (long)Proto.TensorProto.Types.DataType.Int64));
        var zero = floating ? graph.Scalar(hint + "/zero", 0) : graph.Longs(hint + "/zero", 0);
        return [new OnnxMask(graph.Add("Not", [graph.Add("Equal", [ids, zero], hint)], hint))];
    }
}

/// <summary><see cref="Masking"/>: steps whose features all equal mask_value become zeros.</summary>
internal static class MaskingOnnx
{
    public static IReadOnlyList<string> Convert(Masking layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint;
        var differs = graph.Add("Not", [graph.Add("Equal", [call.Input, graph.Scalar(hint + "/mask_value", layer.MaskValue)], hint)], hint);
        var keep = graph.Add("ReduceMax", [graph.Add("Cast", [differs], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float))], hint,
            ("axes", new long[] { -1 }), ("keepdims", 1));
        return [graph.Add("Mul", [call.Input, keep], hint)];
    }

    /// <summary>A step is kept when any of its features differs from mask_value, as in <c>Predict</c>.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(Masking layer, OnnxGraph graph, OnnxCall call)
    {
        string hint = call.Hint + "/mask";
        var differs = graph.Add("Not", [graph.Add("Equal", [call.Input, graph.Scalar(hint + "/mask_value", layer.MaskValue)], hint)], hint);
        var any = graph.Add("ReduceMax", [graph.Add("Cast", [differs], hint, ("to", (long)Proto.TensorProto.Types.DataType.Float))], hint,
            ("axes", new long[] { -1 }), ("keepdims", 0));
        return [new OnnxMask(graph.Add("Cast", [any], hint, ("to", (long)Proto.TensorProto.Types.DataType.Bool)))];
    }
}
