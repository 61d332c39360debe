using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>
/// The nodes between a model's inputs and outputs, ordered as Keras's <c>map_graph</c> orders them, and the plan
/// that runs them: one step per node, each reading and writing numbered value slots.
/// </summary>
internal sealed class FunctionalGraph
{
    private FunctionalGraph(IReadOnlyList<Layer> layers, IReadOnlyList<Node> nodes, IReadOnlyList<Step> steps,
        int slotCount, int[] inputSlots, int[] outputSlots)
    {
        Layers = layers;
        Nodes = nodes;
        Steps = steps;
        SlotCount = slotCount;
        InputSlots = inputSlots;
        OutputSlots = outputSlots;
    }

    /// <summary>One layer call of the plan.</summary>
    /// <remarks><paramref name="MaskSlots"/>: the slots of the masks the call was given (−1 for none), or null when it was given none.</remarks>
    internal sealed record Step(Node Node, Layer Layer, int[] InputSlots, int[] OutputSlots, bool InputsAreList, int[]? MaskSlots = null);

    /// <summary>The layers in Keras's <c>model.layers</c> order: by decreasing depth, then by discovery.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Every node of the model (input nodes included).</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The non-input nodes in an order that computes every input before its use.</summary>
    public IReadOnlyList<Step> Steps { get; }

    public int SlotCount { get; }
    public int[] InputSlots { get; }
    public int[] OutputSlots { get; }

    public static FunctionalGraph Map(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        var inputSet = new HashSet<KerasTensor>(inputs);
        var finished = new HashSet<Node>();
        var inProgress = new HashSet<Node>();
        var nodesInDecreasingDepth = new List<Node>();
        var layerIndices = new Dictionary<Layer, int>();

        void Visit(KerasTensor tensor)
        {
            var node = tensor.Node;
            if (finished.Contains(node)) return;
            if (!inProgress.Add(node))
                throw new ArgumentException($"Tensor {tensor} from layer '{node.Layer.Name}' is part of a cycle.");
            layerIndices.TryAdd(node.Layer, layerIndices.Count);
            if (!node.IsInput && !inputSet.Contains(tensor))
                foreach (var parent in node.InputTensors.Concat(node.MaskTensors))
                    Visit(parent);
            finished.Add(node);
            inProgress.Remove(node);
            nodesInDecreasingDepth.Add(node);
        }

        foreach (var output in outputs) Visit(output);

        // Depths: outputs at 0, each parent at least one deeper than its child; a layer as deep as its deepest node.
        var nodeDepths = new Dictionary<Node, int>();
        var layerDepths = new Dictionary<Layer, int>();
        for (int i = nodesInDecreasingDepth.Count - 1; i >= 0; i--)
        {
            var node = nodesInDecreasingDepth[i];
            int depth = nodeDepths.GetValueOrDefault(node, 0);
            depth = Math.Max(depth, layerDepths.GetValueOrDefault(node.Layer, 0));
            layerDepths[node.Layer] = depth;
            nodeDepths[node] = depth;
            foreach (var parent in node.ParentNodes)
                nodeDepths[parent] = Math.Max(depth + 1, nodeDepths.GetValueOrDefault(parent, 0));
        }
        foreach (var input in inputs)
        {
            if (!layerDepths.ContainsKey(input.Layer))
            {
                layerDepths[input.Layer] = 0;
                layerIndices[input.Layer] = -1;
                nodeDepths[input.Layer.InboundNodes[0]] = 0;
            }
        }

        var layers = layerDepths.GroupBy(p => p.Value).OrderByDescending(g => g.Key)
            .SelectMany(g => g.Select(p => p.Key).OrderBy(l => layerIndices[l])).ToArray();
        var nodesByDepth = nodeDepths.GroupBy(p => p.Value).OrderByDescending(g => g.Key)
            .Select(g => g.Select(p => p.Key).ToArray()).ToArray();

        // Every node's inputs must be computable from the model's inputs (Keras skips input nodes here).
        var computable = new HashSet<KerasTensor>(inputs);
        var reached = new List<string>();
        foreach (var depthNodes in nodesByDepth)
            foreach (var node in depthNodes)
            {
                if (node.IsInput) continue;
                foreach (var x in node.InputTensors.Concat(node.MaskTensors))
                    if (!computable.Contains(x))
                        throw GraphDisconnected(x, node.Layer, reached);
                foreach (var x in node.OutputTensors) computable.Add(x);
                reached.Add(node.Layer.Name);
            }
        foreach (var output in outputs)
            if (!computable.Contains(output))
                throw GraphDisconnected(output, output.Layer, reached);

        var duplicate = layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException(
                $"The name \"{duplicate.Key}\" is used {duplicate.Count()} times in the model. All layer names should be unique.");

        // Execution plan: slots for every tensor, steps by decreasing depth.
        var slots = new Dictionary<KerasTensor, int>(ReferenceEqualityComparer.Instance);
        int Slot(KerasTensor t) => slots.TryGetValue(t, out int s) ? s : slots[t] = slots.Count;
        var inputSlots = inputs.Select(Slot).ToArray();
        var steps = new List<Step>();
        foreach (var depthNodes in nodesByDepth)
            foreach (var node in depthNodes)
            {
                if (node.IsInput) continue;
                steps.Add(new Step(node, node.Layer, node.InputTensors.Select(Slot).ToArray(),
                    node.OutputTensors.Select(Slot).ToArray(), node.InputsAreList,
                    node.Masks?.Select(m => m is null ? -1 : Slot(m)).ToArray()));
            }
        var outputSlots = outputs.Select(Slot).ToArray();
        return new FunctionalGraph(layers, nodeDepths.Keys.ToArray(), steps, slots.Count, inputSlots, outputSlots);
    }

    private static ArgumentException GraphDisconnected(KerasTensor tensor, Layer layer, List<string> reached) => new(
        $"Graph disconnected: cannot obtain value for tensor {tensor} at layer \"{layer.Name}\". " +
        $"The following previous layers were accessed without issue: [{string.Join(", ", reached.Select(n => $"'{n}'"))}]");
}
