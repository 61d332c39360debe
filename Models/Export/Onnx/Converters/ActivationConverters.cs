using TfFunctional.Layers;
using TfFunctional.Activations;

namespace TfFunctional.Export.Onnx.Converters;

/// <summary>Keras's named activations as ONNX operators, and the activation layers.</summary>
internal static class OnnxActivations
{
    /// <summary>Applies <paramref name="function"/> to <paramref name="x"/>; <paramref name="owner"/> is named when it cannot be written.</summary>
    public static string Apply(ActivationFunction function, OnnxGraph graph, string x, string hint, Layer owner)
    {
        if (function.Layer is { } layer)
        {
            var convert = OnnxExport.Find(layer) ?? throw new NotSupportedException(
                $"Layer \"{owner.Name}\" ({owner.ClassName}) uses the layer {layer.ClassName} as its activation, which has no ONNX converter.");
            return convert(layer, graph, new OnnxCall(hint, [x], [Shape.Of([])], [DType.Float32], [false], [Shape.Of([])], Layer.NoCallArguments))[0];
        }
        if (function.IsLinear) return x;
        string Unary(string op) => graph.Add(op, [x], hint);
        if (ReferenceEquals(function, ActivationFunction.Relu)) return Unary("Relu");
        if (ReferenceEquals(function, ActivationFunction.Sigmoid)) return Unary("Sigmoid");
        if (ReferenceEquals(function, ActivationFunction.Tanh)) return Unary("Tanh");
        if (ReferenceEquals(function, ActivationFunction.Softmax)) return graph.Add("Softmax", [x], hint, ("axis", -1));
        if (ReferenceEquals(function, ActivationFunction.LogSoftmax)) return graph.Add("LogSoftmax", [x], hint, ("axis", -1));
        if (ReferenceEquals(function, ActivationFunction.Elu)) return graph.Add("Elu", [x], hint, ("alpha", 1.0f));
        if (ReferenceEquals(function, ActivationFunction.Selu)) return Unary("Selu");   // ONNX's defaults are SELU's constants
        if (ReferenceEquals(function, ActivationFunction.Softplus)) return Unary("Softplus");
        if (ReferenceEquals(function, ActivationFunction.Softsign)) return Unary("Softsign");
        if (ReferenceEquals(function, ActivationFunction.Exponential)) return Unary("Exp");
        if (ReferenceEquals(function, ActivationFunction.Relu6)) return Clip(graph, Unary("Relu"), null, 6, hint);
        // Keras 3: relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1); Keras 2: clip(0.2x + 0.5, 0, 1).
        if (ReferenceEquals(function, ActivationFunction.HardSigmoid)) return graph.Add("HardSigmoid", [x], hint, ("alpha", 1.0f / 6), ("beta", 0.5f));
        if (ReferenceEquals(function, ActivationFunction.HardSigmoidLegacy)) return graph.Add("HardSigmoid", [x], hint, ("alpha", 0.2f), ("beta", 0.5f));
        if (ReferenceEquals(function, ActivationFunction.Swish) || ReferenceEquals(function, ActivationFunction.Silu))
            return graph.Add("Mul", [x, Unary("Sigmoid")], hint);
        if (ReferenceEquals(function, ActivationFunction.LeakyRelu)) return graph.Add("LeakyRelu", [x], hint, ("alpha", 0.2f));
        if (ReferenceEquals(function, ActivationFunction.Gelu))
        {
            // Exact GELU, 0.5·x·(1 + erf(x/√2)) (opset 17 has no Gelu operator).
            var erf = graph.Add("Erf", [graph.Add("Mul", [x, graph.Scalar(hint + "/inv_sqrt2", 1 / Math.Sqrt(2))], hint)], hint);
            var onePlus = graph.Add("Add", [erf, graph.Scalar(hint + "/one", 1)], hint);
            return graph.Add("Mul", [graph.Add("Mul", [x, onePlus], hint), graph.Scalar(hint + "/half", 0.5)], hint);
        }
        throw new NotSupportedException(
            $"Layer \"{owner.Name}\" ({owner.ClassName}) uses the activation '{function.Name}', a C# function: the ONNX export cannot express it.");
    }

    /// <summary><c>Clip(x, min, max)</c> with optional bounds.</summary>
    public static string Clip(OnnxGraph graph, string x, double? min, double? max, string hint) =>
        graph.Add("Clip", [x, min is null ? "" : graph.Scalar(hint + "/min", min.Value), max is null ? "" : graph.Scalar(hint + "/max", max.Value)], hint);
}

/// <summary><see cref="Activation"/>.</summary>
internal static class ActivationLayerOnnx
{
    public static IReadOnlyList<string> Convert(Activation layer, OnnxGraph graph, OnnxCall call) =>
        [OnnxActivations.Apply(layer.Function, graph, call.Input, call.Hint, layer)];
}

/// <summary><see cref="ReLU"/>: <c>max_value</c> if x ≥ max_value, x if threshold ≤ x, else negative_slope·(x − threshold).</summary>
internal static class ReLUOnnx
{
    public static IReadOnlyList<string> Convert(ReLU layer, OnnxGraph graph, OnnxCall call)
    {
        string x = call.Input, hint = call.Hint;
        string y;
        if (layer.NegativeSlope == 0 && layer.Threshold == 0)
            y = graph.Add("Relu", [x], hint);
        else
        {
            var threshold = graph.Scalar(hint + "/threshold", layer.Threshold);
            var below = graph.Add("Mul", [graph.Add("Sub", [x, threshold], hint), graph.Scalar(hint + "/negative_slope", layer.NegativeSlope)], hint);
            y = graph.Add("Where", [graph.Add("GreaterOrEqual", [x, threshold], hint), x, below], hint);
        }
        return [layer.MaxValue is double max ? graph.Add("Min", [y, graph.Scalar(hint + "/max_value", max)], hint) : y];
    }
}

/// <summary><see cref="LeakyReLU"/>.</summary>
internal static class LeakyReLUOnnx
{
    public static IReadOnlyList<string> Convert(LeakyReLU layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("LeakyRelu", [call.Input], call.Hint, ("alpha", (float)layer.NegativeSlope))];
}

/// <summary><see cref="ELU"/>.</summary>
internal static class ELUOnnx
{
    public static IReadOnlyList<string> Convert(ELU layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("Elu", [call.Input], call.Hint, ("alpha", (float)layer.Alpha))];
}

/// <summary><see cref="ThresholdedReLU"/>: x where x &gt; theta, else 0.</summary>
internal static class ThresholdedReLUOnnx
{
    public static IReadOnlyList<string> Convert(ThresholdedReLU layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("ThresholdedRelu", [call.Input], call.Hint, ("alpha", (float)layer.Theta))];
}

/// <summary>
/// <see cref="Softmax"/>; under a mask, as Predict: masked entries count as a large negative number and come out as 0
/// (ONNX's Where broadcasts the mask as Keras does).
/// </summary>
internal static class SoftmaxOnnx
{
    public static IReadOnlyList<string> Convert(Softmax layer, OnnxGraph graph, OnnxCall call)
    {
        if (!call.AnyMask) return [graph.Add("Softmax", [call.Input], call.Hint, ("axis", layer.Axis))];
        var mask = call.MaskValue(0) ?? throw new NotSupportedException(
            $"Layer \"{layer.Name}\" (Softmax) normalizes under a mask the ONNX export does not compute.");
        string hint = call.Hint;
        string Fill(string name, double value) => graph.Add("CastLike", [graph.Scalar($"{hint}/{name}", value), call.Input], hint);
        var filled = graph.Add("Where", [mask, call.Input, Fill("masked", Softmax.LargeNegative(call.InputDTypes[0]))], hint);
        var weights = graph.Add("Softmax", [filled], hint, ("axis", layer.Axis));
        return [graph.Add("Where", [mask, weights, Fill("zero", 0)], hint)];
    }
}

/// <summary><see cref="PReLU"/>: alpha has the input's shape (1 along shared axes), which ONNX broadcasts.</summary>
internal static class PReLUOnnx
{
    public static IReadOnlyList<string> Convert(PReLU layer, OnnxGraph graph, OnnxCall call) =>
        [graph.Add("PRelu", [call.Input, graph.Weight(layer.Weights[0])], call.Hint)];
}
