namespace TfFunctional;

/// <summary>What runs a model's <c>Predict</c>: libtorch (the default, also used for training) or ONNX Runtime.</summary>
public enum InferenceEngine
{
    /// <summary>libtorch, through TorchSharp: every layer, masks, eager calls, training.</summary>
    LibTorch,

    /// <summary>ONNX Runtime on an in-memory ONNX export of the model (<see cref="Model.UseOnnxRuntime"/>).</summary>
    OnnxRuntime,
}
