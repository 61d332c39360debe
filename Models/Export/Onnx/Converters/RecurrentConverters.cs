using TfFunctional.Layers;
using TfFunctional.Activations;

namespace TfFunctional.Export.Onnx.Converters;

/// <summary>
/// SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU operators, and Bidirectional as their bidirectional form. Keras's
/// kernels (in, gates·units) become ONNX's (directions, gates·units, in) in ONNX's gate order (LSTM: Keras i f c o →
/// ONNX i o f c; GRU: z r h in both); GRU's reset_after is ONNX's linear_before_reset.
/// </summary>
internal static class RecurrentOnnx
{
    public static IReadOnlyList<string> Convert(RecurrentLayer layer, OnnxGraph graph, OnnxCall call)
    {
        RefuseStateful(layer, layer);
        string hint = call.Hint;
        string sequence = call.Input;
        string? mask = MaskOf(layer, call);
        if (layer.GoBackwards)
        {
            // Keras reverses the steps, and their mask, before the recurrence; outputs stay in that reversed order.
            sequence = ReverseSteps(graph, sequence, hint);
            if (mask is not null) mask = ReverseSteps(graph, mask, hint);
        }
        // Initial states, (batch, units) each, are ONNX's initial_h (and initial_c): (directions = 1, batch, units).
        var initial = call.Inputs.Skip(1).Select(state => graph.Add("Unsqueeze", [state, graph.Longs(hint + "/axes", 0)], hint)).ToArray();
        (sequence, var lengths, var runLengths) = Compact(graph, sequence, mask, hint);
        var x = TimeMajor(graph, sequence, hint);
        var (w, r, b) = Weights(graph, [layer], hint);
        string[] extra = [runLengths ?? "", .. initial];
        var outputs = Operator(graph, layer, [layer], x, w, r, b, "forward", hint, extra);
        // A sequence with no kept step keeps its initial states, as the masked recurrence of Predict.
        string Final(int state)
        {
            var last = LastState(graph, outputs[state + 1], hint);
            if (lengths is null) return last;
            var initialState = state < call.Inputs.Count - 1 ? call.Inputs[state + 1] : graph.Scalar(hint + "/zero", 0);
            return graph.Add("Where", [NothingKept(graph, lengths, [1], hint), initialState, last], hint);
        }
        string output;
        if (!layer.ReturnSequences) output = Final(0);
        else
        {
            var steps = graph.Add("Transpose", [graph.Add("Squeeze", [outputs[0], graph.Longs(hint + "/axes", 1)], hint)], hint, ("perm", new long[] { 1, 0, 2 }));
            output = mask is null ? steps : Uncompact(graph, steps, mask, layer.ZeroOutputForMask, call.Inputs.Count > 1 ? call.Inputs[1] : null, hint);
        }
        var result = new List<string> { output };
        if (layer.ReturnState)
        {
            result.Add(Final(0));
            if (layer is LSTM) result.Add(Final(1));
        }
        return result;
    }

    /// <summary>A recurrent layer's output carries its input's mask when it returns sequences, as <c>ComputeMasks</c>; its states carry none.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(RecurrentLayer layer, OnnxGraph graph, OnnxCall call) =>
        [layer.ReturnSequences ? call.Mask(0) : null, .. Enumerable.Repeat<OnnxMask?>(null, layer.ReturnState ? (layer is LSTM ? 2 : 1) : 0)];

    /// <summary>Bidirectional's outputs carry the input's mask when it returns sequences (one per direction without a merge), as <c>ComputeMasks</c>.</summary>
    public static IReadOnlyList<OnnxMask?> Mask(Bidirectional layer, OnnxGraph graph, OnnxCall call) =>
        [.. Enumerable.Repeat(layer.Forward.ReturnSequences ? call.Mask(0) : null, layer.MergeMode is null ? 2 : 1)];

    /// <summary>The value of the mask reaching the layer's input, or null when none does.</summary>
    /// <exception cref="NotSupportedException">A mask reaches it whose value the export does not compute.</exception>
    private static string? MaskOf(Layer layer, OnnxCall call) => !call.Masked[0] ? null : call.MaskValue(0) ?? throw new NotSupportedException(
        $"Layer \"{layer.Name}\" ({layer.ClassName}) receives a mask the ONNX export does not compute (it comes through a layer without an ONNX mask rule).");

    /// <summary>
    /// Under a mask, each sequence with its kept steps moved to the front in order (a stable sort on "masked, then
    /// position"), how many there are (int32), and the sequence_lens ONNX Runtime runs (at least 1: a sequence with no
    /// kept step runs one, which the caller ignores). ONNX's recurrences skip only trailing steps; Keras skips masked
    /// steps anywhere, so the recurrence runs over the kept steps alone and its outputs go back to their steps.
    /// Without a mask, the sequence as given.
    /// </summary>
    private static (string Sequence, string? Lengths, string? RunLengths) Compact(OnnxGraph graph, string sequence, string? mask, string hint)
    {
        if (mask is null) return (sequence, null, null);
        var shape = graph.Add("Shape", [sequence], hint);
        var steps = graph.Add("Slice", [shape, graph.Longs(hint + "/starts", 1), graph.Longs(hint + "/ends", 2)], hint);   // [T]
        var stepCount = graph.Add("Squeeze", [steps], hint);
        var positions = graph.Add("Range", [graph.LongScalar(hint + "/zero", 0), stepCount, graph.LongScalar(hint + "/one", 1)], hint);
        var dropped = graph.Add("Cast", [graph.Add("Not", [mask], hint)], hint, ("to", (long)Proto.TensorProto.Types.DataType.Int64));
        var keys = graph.Add("Add", [graph.Add("Mul", [dropped, stepCount], hint), positions], hint);   // unique: kept steps first, each in its place
        var order = graph.Add("TopK", [keys, steps], 2, hint, ("axis", 1), ("largest", 0), ("sorted", 1))[1];
        var indices = graph.Add("Expand", [graph.Add("Unsqueeze", [order, graph.Longs(hint + "/axes", 2)], hint), shape], hint);
        var compact = graph.Add("GatherElements", [sequence, indices], hint, ("axis", 1));
        var kept = graph.Add("ReduceSum", [graph.Add("Cast", [mask], hint, ("to", (long)Proto.TensorProto.Types.DataType.Int32)), graph.Longs(hint + "/axes", 1)], hint, ("keepdims", 0));
        return (compact, kept, graph.Add("Max", [kept, Int32(graph, 1, hint)], hint));
    }

    /// <summary>True (bool, with <paramref name="axes"/> added) for the sequences with no kept step.</summary>
    private static string NothingKept(OnnxGraph graph, string lengths, long[] axes, string hint) =>
        graph.Add("Unsqueeze", [graph.Add("Equal", [lengths, Int32(graph, 0, hint)], hint), graph.Longs(hint + "/axes", axes)], hint);

    /// <summary>An int32 constant of one value (ONNX's sequence_lens type).</summary>
    private static string Int32(OnnxGraph graph, long value, string hint) =>
        graph.Add("Cast", [graph.Longs(hint + "/int", value)], hint, ("to", (long)Proto.TensorProto.Types.DataType.Int32));

    /// <summary>
    /// The outputs of the kept steps (batch, kept, units) back at their steps: a masked step repeats the output of the
    /// last kept step before it (the initial state, or zeros, before any), or is zeros with <paramref name="zeroForMasked"/>.
    /// </summary>
    private static string Uncompact(OnnxGraph graph, string outputs, string mask, bool zeroForMasked, string? initialOutput, string hint, int rank = 3)
    {
        // (batch, time) → (batch, time, 1 …) against outputs of (batch, time, [direction,] units).
        long[] trailing = Enumerable.Range(2, rank - 2).Select(a => (long)a).ToArray();
        var counted = graph.Add("CumSum", [graph.Add("Cast", [mask], hint, ("to", (long)Proto.TensorProto.Types.DataType.Int64)), graph.LongScalar(hint + "/axis", 1)], hint);
        var latest = graph.Add("Max", [graph.Add("Sub", [counted, graph.Longs(hint + "/one", 1)], hint), graph.Longs(hint + "/zero", 0)], hint);
        var indices = graph.Add("Expand", [graph.Add("Unsqueeze", [latest, graph.Longs(hint + "/axes", trailing)], hint), graph.Add("Shape", [outputs], hint)], hint);
        var gathered = graph.Add("GatherElements", [outputs, indices], hint, ("axis", 1));
        string zero = graph.Scalar(hint + "/zero", 0);
        if (zeroForMasked)
            return graph.Add("Where", [graph.Add("Unsqueeze", [mask, graph.Longs(hint + "/axes", trailing)], hint), gathered, zero], hint);
        var seen = graph.Add("Unsqueeze", [graph.Add("Greater", [counted, graph.Longs(hint + "/zero", 0)], hint), graph.Longs(hint + "/axes", trailing)], hint);
        var before = initialOutput is null ? zero : graph.Add("Unsqueeze", [initialOutput, graph.Longs(hint + "/axes", 1)], hint);
        return graph.Add("Where", [seen, gathered, before], hint);
    }

    /// <summary>(batch, time, …) reversed along time.</summary>
    private static string ReverseSteps(OnnxGraph graph, string x, string hint) =>
        graph.Add("Slice", [x, graph.Longs(hint + "/starts", -1), graph.Longs(hint + "/ends", long.MinValue), graph.Longs(hint + "/axes", 1), graph.Longs(hint + "/steps", -1)], hint);

    public static IReadOnlyList<string> Convert(Bidirectional layer, OnnxGraph graph, OnnxCall call)
    {
        var (forward, backward) = (layer.Forward, layer.Backward);
        RefuseStateful(layer, forward);
        if (call.Inputs.Count > 1)
            throw new NotSupportedException($"Layer \"{layer.Name}\" (Bidirectional) is called with initial states; the ONNX export does not write them yet.");
        if (forward.GetType() != backward.GetType() || forward.Units != backward.Units || forward.GoBackwards || !backward.GoBackwards
            || forward.ReturnSequences != backward.ReturnSequences || forward.ReturnState || backward.ReturnState)
            throw new NotSupportedException($"Layer \"{layer.Name}\" (Bidirectional) pairs layers ONNX's bidirectional operator cannot express (different classes, sizes or states).");
        string hint = call.Hint;
        var mask = MaskOf(layer, call);
        // Kept steps to the front: ONNX's reverse direction then runs over them alone, last to first, as Keras's
        // backward layer runs over the reversed sequence skipping masked steps.
        var (sequence, lengths, runLengths) = Compact(graph, call.Input, mask, hint);
        var x = TimeMajor(graph, sequence, hint);
        var (w, r, b) = Weights(graph, [forward, backward], hint);
        var outputs = Operator(graph, layer, [forward, backward], x, w, r, b, "bidirectional", hint, runLengths is null ? null : [runLengths]);
        // (batch, [time,] direction, units), forward first as Keras concatenates.
        string both = forward.ReturnSequences
            ? graph.Add("Transpose", [outputs[0]], hint, ("perm", new long[] { 2, 0, 1, 3 }))
            : graph.Add("Transpose", [outputs[1]], hint, ("perm", new long[] { 1, 0, 2 }));
        if (mask is not null)
        {
            both = forward.ReturnSequences
                // Bidirectional's layers give zeros at masked steps (zero_output_for_mask).
                ? Uncompact(graph, both, mask, zeroForMasked: true, initialOutput: null, hint, rank: 4)
                // A sequence with no kept step keeps its initial (zero) states.
                : graph.Add("Where", [NothingKept(graph, lengths!, [1, 2], hint), graph.Scalar(hint + "/zero", 0), both], hint);
        }
        int directionAxis = forward.ReturnSequences ? 2 : 1;
        string Direction(int index)
        {
            var picked = graph.Add("Gather", [both, graph.Longs(hint + "/direction", index)], hint, ("axis", directionAxis));
            return graph.Add("Squeeze", [picked, graph.Longs(hint + "/axes", directionAxis)], hint);
        }
        return layer.MergeMode switch
        {
            "concat" => [Onnx.Reshape(graph, both, call.OutputShape, hint)],
            "sum" => [graph.Add("ReduceSum", [both, graph.Longs(hint + "/axes", directionAxis)], hint, ("keepdims", 0))],
            "ave" => [graph.Add("ReduceMean", [both], hint, ("axes", new long[] { directionAxis }), ("keepdims", 0))],
            "mul" => [graph.Add("Mul", [Direction(0), Direction(1)], hint)],
            null => [Direction(0), Direction(1)],
            _ => throw new NotSupportedException($"Layer \"{layer.Name}\" (Bidirectional) has merge_mode '{layer.MergeMode}'."),
        };
    }

    /// <summary>A stateful recurrence keeps state between calls, which an ONNX graph cannot.</summary>
    private static void RefuseStateful(Layer layer, RecurrentLayer recurrent)
    {
        if (recurrent.Stateful)
            throw new NotSupportedException($"Layer \"{layer.Name}\" ({layer.ClassName}) is stateful; an ONNX graph keeps no state between calls.");
    }

    /// <summary>(batch, time, features) → ONNX's (time, batch, features).</summary>
    private static string TimeMajor(OnnxGraph graph, string x, string hint) => graph.Add("Transpose", [x], hint, ("perm", new long[] { 1, 0, 2 }));

    /// <summary>(directions = 1, batch, units) → (batch, units).</summary>
    private static string LastState(OnnxGraph graph, string state, string hint) => graph.Add("Squeeze", [state, graph.Longs(hint + "/axes", 0)], hint);

    /// <summary>W, R and B for each direction, stacked.</summary>
    private static (string W, string R, string B) Weights(OnnxGraph graph, IReadOnlyList<RecurrentLayer> directions, string hint)
    {
        using var scope = Ops.NewScope();
        var ws = new List<Tensor>();
        var rs = new List<Tensor>();
        var bs = new List<Tensor>();
        foreach (var layer in directions)
        {
            int units = layer.Units;
            int[] gates = layer switch { LSTM => [0, 3, 1, 2], GRU => [0, 1, 2], _ => [0] };
            Tensor Reorder(Tensor t) => Ops.Concatenate(gates.Select(g => Ops.Narrow(t, -1, g * units, units)).ToArray(), -1);
            var kernel = Onnx.Weight(layer, "kernel").KerasValue;
            var recurrent = Onnx.Weight(layer, "recurrent_kernel").KerasValue;
            ws.Add(Ops.Transpose(Reorder(kernel), 1, 0));
            rs.Add(Ops.Transpose(Reorder(recurrent), 1, 0));
            int width = gates.Length * units;
            Tensor inputBias, recurrentBias;
            if (!layer.UseBias)
                (inputBias, recurrentBias) = (Ops.Zeros([width]), Ops.Zeros([width]));
            else if (layer is GRU { ResetAfter: true })
            {
                var bias = Onnx.Weight(layer, "bias").KerasValue;   // (2, 3·units): input bias, recurrent bias
                (inputBias, recurrentBias) = (Reorder(Ops.Reshape(Ops.Narrow(bias, 0, 0, 1), width)), Reorder(Ops.Reshape(Ops.Narrow(bias, 0, 1, 1), width)));
            }
            else
                (inputBias, recurrentBias) = (Reorder(Onnx.Weight(layer, "bias").KerasValue), Ops.Zeros([width]));
            bs.Add(Ops.Concatenate([inputBias, recurrentBias], 0));
        }
        static Tensor Stack(List<Tensor> parts) => Ops.Concatenate(parts.Select(p => Ops.ExpandDims(p, 0)).ToArray(), 0);
        return (graph.Constant(hint + "/W", Stack(ws)), graph.Constant(hint + "/R", Stack(rs)), graph.Constant(hint + "/B", Stack(bs)));
    }

    /// <summary>The ONNX operator; its outputs are Y, Y_h (and Y_c for LSTM).</summary>
    private static string[] Operator(OnnxGraph graph, Layer owner, IReadOnlyList<RecurrentLayer> directions, string x, string w, string r, string b,
        string direction, string hint, IReadOnlyList<string>? optionalInputs = null)
    {
        var first = directions[0];
        var functions = new List<string>();
        var alphas = new List<float>();
        var betas = new List<float>();
        foreach (var layer in directions)
        {
            var list = layer switch
            {
                LSTM lstm => new[] { lstm.RecurrentActivation, lstm.Activation, lstm.Activation },
                GRU gru => [gru.RecurrentActivation, gru.Activation],
                _ => [layer.Activation],
            };
            foreach (var function in list) functions.Add(Function(function, owner, alphas, betas));
        }
        var attributes = new List<(string, object)>
        {
            ("hidden_size", first.Units), ("direction", direction), ("activations", functions.ToArray()),
        };
        if (alphas.Count > 0) attributes.Add(("activation_alpha", alphas.ToArray()));
        if (betas.Count > 0) attributes.Add(("activation_beta", betas.ToArray()));
        if (first is GRU gruLayer) attributes.Add(("linear_before_reset", gruLayer.ResetAfter ? 1 : 0));
        string op = first switch { LSTM => "LSTM", GRU => "GRU", _ => "RNN" };
        // sequence_lens, initial_h (, initial_c): "" for one not given; trailing ones left out.
        var extra = (optionalInputs ?? []).ToList();
        while (extra.Count > 0 && extra[^1].Length == 0) extra.RemoveAt(extra.Count - 1);
        return graph.Add(op, [x, w, r, b, .. extra], op == "LSTM" ? 3 : 2, hint, attributes.ToArray());
    }

    /// <summary>ONNX's name of a recurrent activation; alpha and beta are listed only for the functions that take them, in order.</summary>
    private static string Function(ActivationFunction function, Layer owner, List<float> alphas, List<float> betas)
    {
        if (ReferenceEquals(function, ActivationFunction.Sigmoid)) return "Sigmoid";
        if (ReferenceEquals(function, ActivationFunction.Tanh)) return "Tanh";
        if (ReferenceEquals(function, ActivationFunction.Relu)) return "Relu";
        if (ReferenceEquals(function, ActivationFunction.Softsign)) return "Softsign";
        if (ReferenceEquals(function, ActivationFunction.Softplus)) return "Softplus";
        if (ReferenceEquals(function, ActivationFunction.HardSigmoid) || ReferenceEquals(function, ActivationFunction.HardSigmoidLegacy))
        {
            alphas.Add(ReferenceEquals(function, ActivationFunction.HardSigmoid) ? 1f / 6 : 0.2f);
            betas.Add(0.5f);
            return "HardSigmoid";
        }
        if (function.IsLinear)
        {
            alphas.Add(1);
            betas.Add(0);
            return "Affine";
        }
        throw new NotSupportedException($"Layer \"{owner.Name}\" ({owner.ClassName}) uses the activation '{function.Name}' inside its recurrence; ONNX's recurrent operators cannot express it.");
    }
}
