using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx.Converters;

/// <summary>BatchNormalization (inference: the moving statistics folded into one scale and shift) and LayerNormalization.</summary>
internal static class NormalizationOnnx
{
    public static IReadOnlyList<string> Convert(BatchNormalization layer, OnnxGraph graph, OnnxCall call)
    {
        int rank = call.InputShape.Rank;
        int axis = layer.Axis < 0 ? layer.Axis + rank : layer.Axis;
        var mean = Onnx.Weight(layer, "moving_mean");
        int features = mean.Shape[0]!.Value;
        // Folded in float64: (x − mean)·gamma/√(var + ε) + beta = x·scale + shift.
        var gamma = layer.Scale ? Values(Onnx.Weight(layer, "gamma")) : Enumerable.Repeat(1.0, features).ToArray();
        var beta = layer.Center ? Values(Onnx.Weight(layer, "beta")) : new double[features];
        var means = Values(mean);
        var variances = Values(Onnx.Weight(layer, "moving_variance"));
        var scale = new float[features];
        var shift = new float[features];
        for (int i = 0; i < features; i++)
        {
            double s = gamma[i] / Math.Sqrt(variances[i] + layer.Epsilon);
            scale[i] = (float)s;
            shift[i] = (float)(beta[i] - means[i] * s);
        }
        long[] dims = [features, .. Enumerable.Repeat(1L, rank - 1 - axis)];
        var y = graph.Add("Mul", [call.Input, graph.Constant(call.Hint + "/scale", scale, dims)], call.Hint);
        return [graph.Add("Add", [y, graph.Constant(call.Hint + "/shift", shift, dims)], call.Hint)];
    }

    public static IReadOnlyList<string> Convert(LayerNormalization layer, OnnxGraph graph, OnnxCall call)
    {
        int rank = call.InputShape.Rank;
        var axes = layer.Axis.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        // ONNX normalizes over the axes from `axis` to the last: Keras's axes must be such a suffix.
        if (axes.Length == 0 || axes[^1] != rank - 1 || axes.Where((a, i) => a != axes[0] + i).Any())
            throw new NotSupportedException($"Layer \"{layer.Name}\" (LayerNormalization) normalizes over axes [{string.Join(", ", layer.Axis)}]; the ONNX export needs the last axes.");
        long[] dims = axes.Select(a => (long)call.InputShape[a]!.Value).ToArray();
        int count = (int)dims.Aggregate(1L, (p, d) => p * d);
        var scale = layer.Scale ? graph.Weight(Onnx.Weight(layer, "gamma")) : graph.Constant(call.Hint + "/gamma", Enumerable.Repeat(1f, count).ToArray(), dims);
        var bias = layer.Center ? graph.Weight(Onnx.Weight(layer, "beta")) : graph.Constant(call.Hint + "/beta", new float[count], dims);
        return [graph.Add("LayerNormalization", [call.Input, scale, bias], call.Hint, ("axis", axes[0]), ("epsilon", (float)layer.Epsilon))];
    }

    private static double[] Values(Variable variable)
    {
        using var scope = Ops.NewScope();
        return variable.KerasValue.ToArray<float>().Select(v => (double)v).ToArray();
    }
}
