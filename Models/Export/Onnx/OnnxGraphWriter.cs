using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx;

/// <summary>
/// Writes a functional model's nodes, in the order <c>Predict</c> runs them, into a graph: used for the model exported and
/// for every model called inside it (inlined). Tracks which values carry a Keras mask, as <c>Predict</c> would, and the
/// mask's own graph value where the export can compute it (a layer's <c>Mask</c> rule beside its converter, or the base
/// rule: a layer that supports masking passes its first input's mask on), so that a layer whose numbers depend on a mask
/// uses it or, when the export cannot express it, is refused instead of exported wrong.
/// </summary>
internal static class OnnxGraphWriter
{
    /// <summary>Writes <paramref name="model"/> on the values <paramref name="inputs"/> (with their masks) and returns its outputs' values.</summary>
    public static IReadOnlyList<string> Write(Model model, OnnxGraph graph, IReadOnlyList<string> inputs, IReadOnlyList<OnnxMask?> inputMasks)
    {
        var plan = model.Graph;
        var values = new string?[plan.SlotCount];
        var masks = new OnnxMask?[plan.SlotCount];
        for (int i = 0; i < inputs.Count; i++)
        {
            values[plan.InputSlots[i]] = inputs[i];
            masks[plan.InputSlots[i]] = i < inputMasks.Count ? inputMasks[i] : null;
        }
        foreach (var step in plan.Steps)
        {
            var layer = step.Layer;
            if (step.Node.Training == true)
                throw new NotSupportedException($"Layer \"{layer.Name}\" ({layer.ClassName}) is called with training=True; an ONNX export runs inference only.");
            // A mask given to the call (mask=) replaces the inputs' own, as in Predict: its value is the tensor given.
            var stepMasks = step.MaskSlots is { } maskSlots
                ? maskSlots.Select((s, i) => s >= 0 ? new OnnxMask(AsMask(graph, values[s]!, step.Node.Masks![i]!.DType, layer.Name)) : null).ToArray()
                : step.InputSlots.Select(s => masks[s]).ToArray();
            var call = new OnnxCall(
                layer.Name,
                step.InputSlots.Select(s => values[s]!).ToArray(),
                step.Node.InputTensors.Select(t => t.Shape).ToArray(),
                step.Node.InputTensors.Select(t => t.DType).ToArray(),
                stepMasks.Select(m => m is not null).ToArray(),
                step.Node.OutputTensors.Select(t => t.Shape).ToArray(),
                step.Node.Arguments,
                stepMasks);
            var outputs = Convert(layer, graph, call);
            if (outputs.Count != step.OutputSlots.Length)
                throw new InvalidOperationException($"The ONNX converter of layer \"{layer.Name}\" ({layer.ClassName}) gave {outputs.Count} outputs where the layer has {step.OutputSlots.Length}.");
            var outputMasks = OutputMasks(layer, graph, call, outputs.Count);
            for (int j = 0; j < outputs.Count; j++)
            {
                values[step.OutputSlots[j]] = outputs[j];
                masks[step.OutputSlots[j]] = outputMasks[j];
            }
        }
        return plan.OutputSlots.Select(s => values[s]!).ToArray();
    }

    /// <summary>
    /// The masks leaving a call, as <c>ComputeMasks</c> makes them in <c>Predict</c>: by the layer class's ONNX mask rule;
    /// by the base rule for a class that keeps Layer's (the first input's mask, when the layer supports masking); else,
    /// for a class with its own rule and no ONNX one, a mask that may leave (an over-estimate: it can only refuse a model,
    /// never export one wrong) whose value is unknown.
    /// </summary>
    internal static IReadOnlyList<OnnxMask?> OutputMasks(Layer layer, OnnxGraph graph, OnnxCall call, int outputCount)
    {
        if (OnnxExport.FindMask(layer) is { } rule) return rule(layer, graph, call);
        if (KeepsBaseMaskRule(layer))
            return Enumerable.Repeat(layer.SupportsMasking && call.Inputs.Count > 0 ? call.Mask(0) : null, outputCount).ToArray();
        bool mayLeave = layer.CreatesMasks || layer.SupportsMasking && call.AnyMask;
        return Enumerable.Repeat(mayLeave ? new OnnxMask(null) : null, outputCount).ToArray();
    }

    /// <summary>A tensor given as a mask, as bool (Predict casts it the same way).</summary>
    private static string AsMask(OnnxGraph graph, string value, DType dtype, string hint) =>
        dtype == DType.Bool ? value : graph.Add("Cast", [value], hint + "/mask", ("to", (long)Proto.TensorProto.Types.DataType.Bool));

    /// <summary>True when the layer's class keeps <see cref="Layer.ComputeMasks"/> as Layer defines it.</summary>
    private static bool KeepsBaseMaskRule(Layer layer) =>
        layer.GetType().GetMethod(nameof(Layer.ComputeMasks), [typeof(IReadOnlyList<Tensor>), typeof(IReadOnlyList<Tensor?>), typeof(int)])!.DeclaringType == typeof(Layer);

    /// <summary>Runs the layer's converter, or refuses the layer by name.</summary>
    public static IReadOnlyList<string> Convert(Layer layer, OnnxGraph graph, OnnxCall call)
    {
        if (layer is Model nested) return Write(nested, graph, call.Inputs, call.Inputs.Select((_, i) => call.Mask(i)).ToArray());
        var convert = OnnxExport.Find(layer) ?? throw new NotSupportedException(
            $"Layer \"{layer.Name}\" ({layer.ClassName}) cannot be exported to ONNX: it has no ONNX converter. " +
            "A custom layer can register one with OnnxExport.Register<TLayer>(converter).");
        return convert(layer, graph, call);
    }
}
