using Microsoft.ML.OnnxRuntime;

namespace TfFunctional.Export.Onnx;

/// <summary>
/// Fixed input and output tensors bound to an <see cref="OnnxRuntimeEngine"/>'s session once (ONNX Runtime's
/// <c>OrtIoBinding</c>), so that a run passes nothing per call. The engine owns the session binding's lifetime: it
/// drops it, under its write lock, before it disposes the session it was made for, and the next run binds again.
/// One run at a time (an <c>OrtIoBinding</c> is not thread-safe).
/// </summary>
internal sealed class OnnxRuntimeBinding : IDisposable
{
    private readonly OnnxRuntimeEngine _engine;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    internal OnnxRuntimeBinding(OnnxRuntimeEngine engine, OrtValue[] inputs, OrtValue[] outputs)
    {
        _engine = engine;
        _inputs = inputs;
        _outputs = outputs;
    }

    /// <summary>The session <see cref="Binding"/> was made for (null when none is bound).</summary>
    internal InferenceSession? Session { get; private set; }

    /// <summary>The tensors bound to <see cref="Session"/>.</summary>
    internal OrtIoBinding? Binding { get; private set; }

    /// <summary>Binds the tensors to <paramref name="session"/>, by the model's input and output names.</summary>
    internal void BindTo(InferenceSession session)
    {
        Unbind();
        var binding = session.CreateIoBinding();
        for (int i = 0; i < _inputs.Length; i++) binding.BindInput(session.InputNames[i], _inputs[i]);
        for (int i = 0; i < _outputs.Length; i++) binding.BindOutput(session.OutputNames[i], _outputs[i]);
        (Session, Binding) = (session, binding);
    }

    /// <summary>Drops the session binding (the engine calls this before disposing the session).</summary>
    internal void Unbind()
    {
        Binding?.Dispose();
        (Session, Binding) = (null, null);
    }

    /// <summary>Runs the model on the bound tensors; false when ONNX Runtime refuses them (the caller then runs libtorch).</summary>
    public bool TryRun() => _engine.TryRun(this);

    public void Dispose()
    {
        _engine.Release(this);
        foreach (var value in _inputs.Concat(_outputs)) value.Dispose();
    }
}
