namespace TfFunctional.Export.Onnx;

/// <summary>
/// A Keras mask reaching or leaving a call in the export: its graph value (bool, the tensor's shape without its feature
/// axis), or a null <see cref="Value"/> when a mask is there but the export does not compute it (a layer whose numbers
/// depend on it then refuses).
/// </summary>
public sealed record OnnxMask(string? Value);
