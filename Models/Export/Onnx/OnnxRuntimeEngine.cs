using Microsoft.ML.OnnxRuntime;

namespace TfFunctional.Export.Onnx;

/// <summary>
/// Runs a model's inference through ONNX Runtime on an in-memory export. The export is a snapshot of the weights: the
/// model marks it stale when it trains or its weights are set or loaded, and the next call exports again. Thread-safe:
/// ONNX Runtime's <c>Run</c> may be called from many threads at once.
/// </summary>
internal sealed class OnnxRuntimeEngine : IDisposable
{
    private readonly Model _model;
    private readonly int _threads;
    private readonly ReaderWriterLockSlim _lock = new();
    private InferenceSession? _session;
    private volatile bool _stale = true;

    public OnnxRuntimeEngine(Model model, int threads)
    {
        _model = model;
        _threads = threads;
        Refresh();   // export now, so that a model ONNX cannot express is refused at the switch, not at the first Predict
    }

    /// <summary>The weights changed: export again before the next run.</summary>
    public void MarkStale() => _stale = true;

    /// <summary>Exports again when stale; runs hold the read side of <see cref="_lock"/>, so the old session is disposed only when none uses it.</summary>
    private void Refresh()
    {
        if (!_stale) return;
        _lock.EnterWriteLock();
        try
        {
            if (!_stale) return;
            var options = new SessionOptions
            {
                IntraOpNumThreads = _threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            var fresh = new InferenceSession(OnnxExport.ToBytes(_model), options);
            _session?.Dispose();
            _session = fresh;
            _stale = false;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// The outputs for one batch of inputs (already checked and cast by Predict), or null when ONNX Runtime refuses them:
    /// the caller then runs libtorch, whose error names the layer and the values (an id outside an Embedding's range).
    /// </summary>
    public IReadOnlyList<Tensor>? TryRun(IReadOnlyList<Tensor> inputs)
    {
        Refresh();
        var values = new List<OrtValue>(inputs.Count);
        _lock.EnterReadLock();
        try
        {
            var session = _session!;
            for (int i = 0; i < inputs.Count; i++)
            {
                long[] shape = inputs[i].Shape.Select(d => (long)d!.Value).ToArray();
                values.Add(inputs[i].DType switch
                {
                    DType.Int32 => OrtValue.CreateTensorValueFromMemory(inputs[i].ToArray<int>(), shape),
                    DType.Int64 => OrtValue.CreateTensorValueFromMemory(inputs[i].ToArray<long>(), shape),
                    _ => OrtValue.CreateTensorValueFromMemory(inputs[i].ToArray<float>(), shape),
                });
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, session.InputNames, values, session.OutputNames);
            var results = new Tensor[outputs.Count];
            for (int i = 0; i < outputs.Count; i++)
            {
                var info = outputs[i].GetTensorTypeAndShape();
                results[i] = Tensor.From(outputs[i].GetTensorDataAsSpan<float>().ToArray(), info.Shape);
            }
            return results;
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
        finally
        {
            _lock.ExitReadLock();
            foreach (var value in values) value.Dispose();
        }
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            _session?.Dispose();
            _session = null;
            _stale = true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
