using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Layers;

/// <summary>
/// Runs a recurrent layer forwards and a copy backwards and merges the two (<c>concat</c>, <c>sum</c>, <c>mul</c>,
/// <c>ave</c>, or <c>null</c> for both outputs), as Keras's Bidirectional. The backward outputs are flipped back in
/// time, and masked steps output zeros when sequences are returned, as Keras does.
/// </summary>
public sealed class Bidirectional : Layer
{
    private static readonly string?[] MergeModes = ["concat", "sum", "mul", "ave", null];

    /// <summary>Wraps <paramref name="layer"/>; the backward layer is a copy with <c>goBackwards</c> flipped unless given.</summary>
    /// <exception cref="ArgumentException">The layer is not recurrent, or the merge mode is unknown.</exception>
    public Bidirectional(Layer layer, string? mergeMode = "concat", Layer? backwardLayer = null, string? name = null, ShapeArgument? inputShape = null)
        : base(name, inputShape: inputShape)
    {
        if (layer is not RecurrentLayer forward)
            throw new ArgumentException(
                $"Please initialize `Bidirectional` layer with a recurrent layer (LSTM, GRU, SimpleRNN). Received: {layer?.ClassName ?? "null"} '{layer?.Name}'.", nameof(layer));
        if (!MergeModes.Contains(mergeMode))
            throw new ArgumentException($"Invalid merge mode. Received: {mergeMode}. Merge mode should be one of {{\"sum\", \"mul\", \"ave\", \"concat\", None}}", nameof(mergeMode));
        var backward = backwardLayer as RecurrentLayer ?? (backwardLayer is null ? Copy(forward) : throw new ArgumentException(
            $"`backward_layer` must be a recurrent layer. Received: {backwardLayer.ClassName}.", nameof(backwardLayer)));
        if (backward.ReturnSequences != forward.ReturnSequences || backward.ReturnState != forward.ReturnState)
            throw new ArgumentException("Forward layer and backward layer should have the same `return_sequences` and `return_state`.", nameof(backwardLayer));
        // Keras 3's names: a layer rebuilt from a saved config is already called forward_…, and keeps that name.
        string original = forward.Name;
        forward.Rename("forward_" + RemovePrefix(original, "forward_"));
        if (backwardLayer is null) backward.Rename("backward_" + RemovePrefix(original, "backward_"));
        forward.ZeroOutputForMask = backward.ZeroOutputForMask = forward.ReturnSequences;
        Forward = forward;
        Backward = backward;
        MergeMode = mergeMode;
        InputSpec = new InputSpec(Ndim: 3);
    }

    /// <summary>The layer run forwards.</summary>
    public RecurrentLayer Forward { get; }
    /// <summary>The layer run backwards.</summary>
    public RecurrentLayer Backward { get; }
    /// <summary>How the two outputs are combined; null returns both.</summary>
    public string? MergeMode { get; }

    /// <inheritdoc />
    protected override IEnumerable<Layer> SubLayers => [Forward, Backward];

    /// <inheritdoc />
    internal override IEnumerable<(string Key, Layer Layer)> NestedLayers => [("layer", Forward), ("backward_layer", Backward)];

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override bool InputSpecCoversAllInputs => false;

    private static string RemovePrefix(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;

    private static RecurrentLayer Copy(RecurrentLayer layer)
    {
        var config = (JsonObject)layer.GetConfig().Json.DeepClone();
        config["go_backwards"] = !layer.GoBackwards;
        // The config carries the layer's meaning (a legacy hard sigmoid stays one), so the copy computes the same.
        return (RecurrentLayer)KerasRegistry.DeserializeLayer(new JsonObject { ["class_name"] = layer.ClassName, ["config"] = config });
    }

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => Build([inputShape]);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        Forward.EnsureBuilt([inputShapes[0]], asList: false);
        Backward.EnsureBuilt([inputShapes[0]], asList: false);
        // Keras's variable paths: bidirectional/forward_lstm/lstm_cell/kernel.
        foreach (var variable in Forward.Weights.Concat(Backward.Weights))
            if (!variable.Path.StartsWith(Name + "/", StringComparison.Ordinal)) variable.Path = $"{Name}/{variable.Path}";
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShapes([inputShape])[0];

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        var forward = Forward.ComputeOutputShapes([inputShapes[0]]);
        var output = forward[0];
        IReadOnlyList<Shape> merged = MergeMode switch
        {
            "concat" => [output.WithDim(^1, output[^1] * 2)],
            null => [output, output],
            _ => [output],
        };
        return ReturnState ? [.. merged, .. forward.Skip(1), .. forward.Skip(1)] : merged;
    }

    private bool ReturnState => Forward.ReturnState;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => CallCore([inputs], context)[0];

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCoreOutputs(Tensor inputs, CallContext context) => CallCore([inputs], context);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context)
    {
        // Initial states, when given, are the forward layer's followed by the backward layer's.
        var states = inputs.Skip(1).ToArray();
        var forwardInputs = new[] { inputs[0] }.Concat(states.Take(states.Length / 2)).ToArray();
        var backwardInputs = new[] { inputs[0] }.Concat(states.Skip(states.Length / 2)).ToArray();
        var masks = context.Mask is null ? [] : new[] { context.Mask };
        var forward = Forward.Invoke(forwardInputs, asList: true, context.WithMasks(masks));
        var backward = Backward.Invoke(backwardInputs, asList: true, context.WithMasks(masks));
        var y = forward[0];
        var yBackward = Forward.ReturnSequences ? Ops.Flip(backward[0], 1) : backward[0];
        IReadOnlyList<Tensor> merged = MergeMode switch
        {
            "concat" => [Ops.Concatenate([y, yBackward], -1)],
            "sum" => [Ops.Add(y, yBackward)],
            "mul" => [Ops.Multiply(y, yBackward)],
            "ave" => [Ops.Divide(Ops.Add(y, yBackward), 2.0)],
            _ => [y, yBackward],
        };
        return ReturnState ? [.. merged, .. forward.Skip(1), .. backward.Skip(1)] : merged;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount)
    {
        var mask = Forward.ReturnSequences && masks.Count > 0 ? masks[0] : null;
        return Enumerable.Range(0, outputCount).Select(i => i < (MergeMode is null ? 2 : 1) ? mask : null).ToArray();
    }

    /// <inheritdoc />
    internal override IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        yield return (path, Name, []);
        foreach (var group in Forward.KerasWeightTree($"{path}/forward_layer")) yield return group;
        foreach (var group in Backward.KerasWeightTree($"{path}/backward_layer")) yield return group;
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("merge_mode", MergeMode);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Bidirectional FromConfig(LayerConfig config) => config.Construct<Bidirectional>();
}
