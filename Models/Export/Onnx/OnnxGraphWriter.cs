using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx;

/// <summary>
/// Writes a functional model's nodes, in the order <c>Predict</c> runs them, into a graph: used for the model exported and
/// for every model called inside it (inlined). Tracks which values carry a Keras mask, as <c>Predict</c> would, so that a
/// layer whose numbers depend on a mask the export cannot express is refused instead of exported wrong.
/// </summary>
internal static class OnnxGraphWriter
{
    /// <summary>Writes <paramref name="model"/> on the values <paramref name="inputs"/> and returns its outputs' names.</summary>
    public static IReadOnlyList<string> Write(Model model, OnnxGraph graph, IReadOnlyList<string> inputs, IReadOnlyList<bool> inputMasks)
    {
        var plan = model.Graph;
        var values = new string?[plan.SlotCount];
        var masked = new bool[plan.SlotCount];
        for (int i = 0; i < inputs.Count; i++)
        {
            values[plan.InputSlots[i]] = inputs[i];
            masked[plan.InputSlots[i]] = inputMasks[i];
        }
        foreach (var step in plan.Steps)
        {
            var layer = step.Layer;
            if (step.Node.Training == true)
                throw new NotSupportedException($"Layer \"{layer.Name}\" ({layer.ClassName}) is called with training=True; an ONNX export runs inference only.");
            var call = new OnnxCall(
                layer.Name,
                step.InputSlots.Select(s => values[s]!).ToArray(),
                step.Node.InputTensors.Select(t => t.Shape).ToArray(),
                step.Node.InputTensors.Select(t => t.DType).ToArray(),
                // A mask given to the call (mask=) replaces the inputs' own, as in Predict.
                step.MaskSlots is { } maskSlots ? maskSlots.Select(s => s >= 0).ToArray() : step.InputSlots.Select(s => masked[s]).ToArray(),
                step.Node.OutputTensors.Select(t => t.Shape).ToArray(),
                step.Node.Arguments);
            var outputs = Convert(layer, graph, call);
            if (outputs.Count != step.OutputSlots.Length)
                throw new InvalidOperationException($"The ONNX converter of layer \"{layer.Name}\" ({layer.ClassName}) gave {outputs.Count} outputs where the layer has {step.OutputSlots.Length}.");
            // A mask leaves a layer that makes one, or one that passes it on (an over-estimate where ComputeMasks drops it:
            // that can only refuse a model, never export one wrong).
            bool maskOut = layer.CreatesMasks || layer.SupportsMasking && call.AnyMask && !DropsMask(layer);
            for (int j = 0; j < outputs.Count; j++)
            {
                values[step.OutputSlots[j]] = outputs[j];
                masked[step.OutputSlots[j]] = maskOut;
            }
        }
        return plan.OutputSlots.Select(s => values[s]!).ToArray();
    }

    /// <summary>Layers that take a mask and give none (they contract or pool the masked axis).</summary>
    private static bool DropsMask(Layer layer) => layer is GlobalPooling or Dot || layer is RecurrentLayer { ReturnSequences: false };

    /// <summary>Runs the layer's converter, or refuses the layer by name.</summary>
    public static IReadOnlyList<string> Convert(Layer layer, OnnxGraph graph, OnnxCall call)
    {
        if (layer is Model nested) return Write(nested, graph, call.Inputs, call.Masked);
        var convert = OnnxExport.Find(layer) ?? throw new NotSupportedException(
            $"Layer \"{layer.Name}\" ({layer.ClassName}) cannot be exported to ONNX: it has no ONNX converter. " +
            "A custom layer can register one with OnnxExport.Register<TLayer>(converter).");
        return convert(layer, graph, call);
    }
}
