using TfFunctional.Export.Onnx;
using TfFunctional.Saving;

namespace TfFunctional;

public partial class Model
{
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
