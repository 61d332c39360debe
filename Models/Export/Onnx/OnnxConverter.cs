using TfFunctional.Layers;
namespace TfFunctional.Export.Onnx;

/// <summary>
/// Writes one call of a layer into an ONNX graph and returns the names of its outputs (one per Keras output).
/// Throw <see cref="NotSupportedException"/>, naming the layer, for a configuration ONNX cannot express.
/// </summary>
public delegate IReadOnlyList<string> OnnxConverter<in TLayer>(TLayer layer, OnnxGraph graph, OnnxCall call) where TLayer : Layer;
