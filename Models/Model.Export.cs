using TfFunctional.Export.Onnx;
using TfFunctional.Saving;

namespace TfFunctional;

public partial class Model
{
    private OnnxRuntimeEngine? _onnxRuntime;

    /// <summary>What runs <c>Predict</c> and <c>PredictOutputs</c>.</summary>
    public InferenceEngine InferenceEngine => _onnxRuntime is null ? InferenceEngine.LibTorch : InferenceEngine.OnnxRuntime;

    /// <summary>
    /// Runs <c>Predict</c>/<c>PredictOutputs</c> through ONNX Runtime on an in-memory ONNX export: same inputs, outputs,
    /// names and errors (a batch ONNX Runtime refuses runs through libtorch, whose error names the layer). The export is a
    /// snapshot of the weights, taken again after <c>Fit</c>, <c>TrainOnBatch</c>, <c>SetWeights</c> or <c>LoadWeights</c>
    /// on this model; after changing a layer's variables directly, call this again. Training still runs in libtorch.
    /// </summary>
    /// <param name="intraOpThreads">ONNX Runtime's intra-op threads; by default libtorch's (<see cref="Ops.IntraOpThreads"/>), so the two never
    /// ask for more cores than one of them would.</param>
    /// <exception cref="NotSupportedException">A layer cannot be exported; the message names it. The engine stays libtorch.</exception>
    public void UseOnnxRuntime(int? intraOpThreads = null)
    {
        var engine = new OnnxRuntimeEngine(this, intraOpThreads ?? Ops.IntraOpThreads);
        Interlocked.Exchange(ref _onnxRuntime, engine)?.Dispose();
    }

    /// <summary>The ONNX Runtime engine while <see cref="UseOnnxRuntime"/> is in force.</summary>
    internal OnnxRuntimeEngine? OnnxRuntime => _onnxRuntime;

    /// <summary>Runs <c>Predict</c> through libtorch again (the default).</summary>
    public void UseLibTorch() => Interlocked.Exchange(ref _onnxRuntime, null)?.Dispose();

    /// <summary>The weights changed: an ONNX Runtime engine exports again before its next run.</summary>
    private protected override void OnWeightsChanged() => _onnxRuntime?.MarkStale();

    /// <summary>
    /// Exports the model for inference, as Keras's <c>model.export(filepath, format="onnx")</c>: an ONNX model (opset
    /// 17, dynamic batch axis, inputs and outputs named as the model's), written atomically.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="format"/> is not <c>onnx</c>.</exception>
    /// <exception cref="NotSupportedException">A layer cannot be exported; the message names it and the reason. The file is not touched.</exception>
    public void Export(string path, string format = "onnx")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (format != "onnx")
            throw new ArgumentException($"Unrecognized format={format}. Supported formats are: 'onnx'.", nameof(format));
        var bytes = OnnxExport.ToBytes(this);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
