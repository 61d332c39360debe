using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>One call of a layer on symbolic tensors: its inbound tensors and the tensors it produced.</summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputTensors, bool inputsAreList,
        IReadOnlyList<(Shape Shape, DType DType)> outputs, bool? training = null, IReadOnlyList<KerasTensor?>? masks = null,
        IReadOnlyDictionary<string, object>? arguments = null)
    {
        Layer = layer;
        Training = training;
        Masks = masks;
        Arguments = arguments ?? Layer.NoCallArguments;
        InputTensors = inputTensors;
        InputsAreList = inputsAreList;
        Index = layer.AddInboundNode(this);
        OutputTensors = outputs.Select((o, i) => new KerasTensor(o.Shape, o.DType,
            outputs.Count == 1 ? layer.Name : $"{layer.Name}_{i}",
            new KerasHistory(layer, Index, i))).ToArray();
        foreach (var input in inputTensors.Concat(MaskTensors))
            input.Layer.AddOutboundNode(this);
    }

    /// <summary>
    /// The node a functional model makes for itself when created (Keras 2): its inputs and outputs are the model's
    /// own symbolic tensors, so calls of the model on new inputs get node indices 1, 2, …
    /// </summary>
    internal Node(Model model, IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, bool inputsAreList)
    {
        Layer = model;
        InputTensors = inputs;
        OutputTensors = outputs;
        InputsAreList = inputsAreList;
        Index = 0;
        Arguments = Layer.NoCallArguments;
    }

    /// <summary>The call's <c>training</c> argument: false or true fixes the mode of this call, null follows the model.</summary>
    public bool? Training { get; }

    /// <summary>
    /// The call's <c>mask</c> argument, one entry per input (null where none was given), or null when the call passed no
    /// mask: the masks then come from the inputs (Masking, Embedding with mask_zero), as Keras's <c>_keras_mask</c>.
    /// </summary>
    public IReadOnlyList<KerasTensor?>? Masks { get; }

    /// <summary>
    /// The call's other non-tensor arguments (Keras's call kwargs beside <c>training</c> and <c>mask</c>), by Keras name,
    /// each with the value this call used: an attention layer's <c>use_causal_mask</c> and <c>return_attention_scores</c>.
    /// Every argument the layer's call takes is here; files write them into the node's kwargs and read them back.
    /// </summary>
    public IReadOnlyDictionary<string, object> Arguments { get; }

    /// <summary>The tensors given as masks.</summary>
    internal IEnumerable<KerasTensor> MaskTensors => Masks?.OfType<KerasTensor>() ?? [];

    /// <summary>The layer that was called.</summary>
    public Layer Layer { get; }

    /// <summary>The position of this node in <see cref="Layers.Layer.InboundNodes"/>.</summary>
    public int Index { get; }

    /// <summary>The tensors the layer was called on.</summary>
    public IReadOnlyList<KerasTensor> InputTensors { get; }

    /// <summary>The tensors the call produced.</summary>
    public IReadOnlyList<KerasTensor> OutputTensors { get; }

    /// <summary>True when the layer was called on a list (merge layers), false when on one tensor.</summary>
    public bool InputsAreList { get; }

    /// <summary>True for the node of an <see cref="InputLayer"/>.</summary>
    public bool IsInput => Layer is InputLayer;

    /// <summary>The shapes of the inbound tensors.</summary>
    public IReadOnlyList<Shape> InputShapes => InputTensors.Select(t => t.Shape).ToArray();

    /// <summary>The shapes of the produced tensors.</summary>
    public IReadOnlyList<Shape> OutputShapes => OutputTensors.Select(t => t.Shape).ToArray();

    /// <summary>The nodes that produced this node's inputs (and masks).</summary>
    public IEnumerable<Node> ParentNodes => InputTensors.Concat(MaskTensors).Select(t => t.Node);

    /// <summary>The inbound connections as Keras prints them: <c>dense[0][0]</c>.</summary>
    public IEnumerable<string> InboundDescriptions =>
        InputTensors.Select(t => $"{t.Layer.Name}[{t.KerasHistory.NodeIndex}][{t.KerasHistory.TensorIndex}]");

    /// <inheritdoc />
    public override string ToString() => $"Node(layer={Layer.Name}, index={Index})";
}
