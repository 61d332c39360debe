using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx;

/// <summary>
/// One call of a layer, as its ONNX converter sees it: the names of the input values in the graph, their Keras shapes
/// (batch axis unknown) and dtypes, whether a Keras mask reaches each input, the shapes Keras gives the outputs, the
/// call's non-tensor arguments (<see cref="Node.Arguments"/>: an attention layer's use_causal_mask, …), and the graph
/// value of each input's mask (bool, the input's shape without its feature axis) where the export computes it.
/// </summary>
public sealed record OnnxCall(
    string Hint,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<Shape> InputShapes,
    IReadOnlyList<DType> InputDTypes,
    IReadOnlyList<bool> Masked,
    IReadOnlyList<Shape> OutputShapes,
    IReadOnlyDictionary<string, object> Arguments,
    IReadOnlyList<OnnxMask?>? Masks = null)
{
    /// <summary>The graph value of input <paramref name="index"/>'s mask, or null when none reaches it or the export does not compute it.</summary>
    public string? MaskValue(int index) => Mask(index)?.Value;

    /// <summary>The mask reaching input <paramref name="index"/>, or null.</summary>
    public OnnxMask? Mask(int index) => Masks is { } masks && index < masks.Count ? masks[index] : Masked[index] ? new OnnxMask(null) : null;

    /// <summary>The value of call argument <paramref name="name"/> in this call.</summary>
    /// <exception cref="InvalidOperationException">The call has no such argument.</exception>
    public T Argument<T>(string name) => Arguments.TryGetValue(name, out var value) && value is T typed ? typed
        : throw new InvalidOperationException($"Layer \"{Hint}\" has no call argument '{name}' of type {typeof(T).Name}.");

    /// <summary>The only input (most layers take one).</summary>
    public string Input => Inputs[0];

    /// <summary>The first input's shape.</summary>
    public Shape InputShape => InputShapes[0];

    /// <summary>The first output's shape.</summary>
    public Shape OutputShape => OutputShapes[0];

    /// <summary>True when a mask reaches any input.</summary>
    public bool AnyMask => Masked.Any(m => m);
}
