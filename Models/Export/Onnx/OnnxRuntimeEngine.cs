using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

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

    /// <summary>The session's views of the variables it reads in place (<see cref="ShareVariables"/>), freed after it.</summary>
    private List<IDisposable> _sessionShares = [];
    private volatile bool _stale = true;
    private bool _disposed;

    /// <summary>The live bindings of fixed tensors (guarded by the write side of <see cref="_lock"/>).</summary>
    private readonly HashSet<OnnxRuntimeBinding> _bindings = [];

    /// <summary>Each output's sizes after the batch axis (null when the model leaves one open) and its element type.</summary>
    private readonly long[]?[] _outputDims;
    private readonly torch.ScalarType[] _outputTypes;
    private readonly RunOptions _runOptions = new();

    public OnnxRuntimeEngine(Model model, int threads)
    {
        _model = model;
        _threads = threads;
        _outputDims = model.Outputs.Select(o => Enumerable.Range(1, o.Shape.Rank - 1).Any(axis => o.Shape[axis] is null) ? null
            : Enumerable.Range(1, o.Shape.Rank - 1).Select(axis => (long)o.Shape[axis]!.Value).ToArray()).ToArray();
        _outputTypes = model.Outputs.Select(o => Ops.ToScalarType(o.DType)).ToArray();
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
            if (!_stale || _disposed) return;
            // Cleared before exporting, so that weights changed while the export runs mark it stale again.
            _stale = false;
            using var options = new SessionOptions
            {
                IntraOpNumThreads = _threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            List<IDisposable> shares = [];
            InferenceSession fresh;
            try
            {
                var (proto, graph) = OnnxExport.Build(_model);
                shares = ShareVariables(graph, options);
                fresh = new InferenceSession(proto.ToByteArray(), options);
            }
            catch
            {
                foreach (var share in shares) share.Dispose();
                _stale = true;
                throw;
            }
            foreach (var binding in _bindings) binding.Unbind();
            _session?.Dispose();
            foreach (var share in _sessionShares) share.Dispose();
            (_session, _sessionShares) = (fresh, shares);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// The outputs for one batch of inputs (already checked and cast by Predict), or null when ONNX Runtime refuses them:
    /// the caller then runs libtorch, whose error names the layer and the values (an id outside an Embedding's range).
    /// ONNX Runtime reads the inputs and writes the outputs in place, in libtorch's own memory: nothing is copied.
    /// </summary>
    public IReadOnlyList<Tensor>? TryRun(IReadOnlyList<Tensor> inputs)
    {
        var first = inputs[0].Native.shape;
        long batch = first[0];
        if (batch == 0) return null;   // no memory to point at; libtorch answers an empty batch
        Refresh();
        var inputValues = new OrtValue[inputs.Count];
        var outputValues = new OrtValue[_outputDims.Length];
        _lock.EnterReadLock();
        try
        {
            if (_session is not { } session) return null;   // disposed: the model switched engines while this call began
            for (int i = 0; i < inputs.Count; i++)
            {
                var input = Ops.HostContiguous(inputs[i]);   // a copy, if one is made, is freed by the caller's scope
                inputValues[i] = Bind(input, i == 0 ? first : input.Native.shape);
            }
            if (_outputDims.Any(dims => dims is null)) return RunAllocating(session, inputValues);
            var results = new Tensor[outputValues.Length];
            for (int i = 0; i < results.Length; i++)
            {
                long[] dims = [batch, .. _outputDims[i]!];
                results[i] = new Tensor(torch.empty(dims, _outputTypes[i]));
                outputValues[i] = Bind(results[i], dims);
            }
            session.Run(_runOptions, session.InputNames, inputValues, session.OutputNames, outputValues);
            return results;
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
        finally
        {
            _lock.ExitReadLock();
            foreach (var value in inputValues.Concat(outputValues)) value?.Dispose();
        }
    }

    /// <summary>
    /// Hands ONNX Runtime the variables' own memory for the initializers that are variables as kept (float32, Keras
    /// layout, contiguous in host memory), so that the session holds no second copy of them where its kernels read
    /// weights as given (an Embedding's table; kernels ONNX Runtime prepacks get their packed copy either way). Each view
    /// holds the variable's storage alive until the session is gone; the variables change only in place, and a change
    /// marks the export stale.
    /// </summary>
    private static List<IDisposable> ShareVariables(OnnxGraph graph, SessionOptions options)
    {
        var shares = new List<IDisposable>();
        foreach (var (name, variable) in graph.VariableInitializers)
        {
            var value = variable.Value;
            if (value.Native.device_type != DeviceType.CPU || !value.Native.is_contiguous()) continue;
            var view = Ops.Detached(value);   // outside the memory scope of the Predict that may be exporting
            var ortValue = Bind(view, view.Native.shape);
            shares.Add(view);
            shares.Add(ortValue);
            options.AddInitializer(name, ortValue);
        }
        return shares;
    }

    /// <summary>
    /// Binds fixed input and output tensors (contiguous, in host memory, in the model's dtypes and these shapes) for
    /// runs that pass nothing per call; the caller keeps the tensors alive until it disposes the binding.
    /// </summary>
    public OnnxRuntimeBinding CreateBinding(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs)
    {
        var binding = new OnnxRuntimeBinding(this,
            inputs.Select(t => Bind(t, t.Native.shape)).ToArray(), outputs.Select(t => Bind(t, t.Native.shape)).ToArray());
        _lock.EnterWriteLock();
        try
        {
            _bindings.Add(binding);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        return binding;
    }

    /// <summary>Runs the model on a binding's tensors; false when ONNX Runtime refuses them or the engine is disposed.</summary>
    public bool TryRun(OnnxRuntimeBinding binding)
    {
        Refresh();
        _lock.EnterReadLock();
        try
        {
            if (_session is not { } session) return false;
            if (binding.Session != session) binding.BindTo(session);
            session.RunWithBinding(_runOptions, binding.Binding!);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Forgets a binding being disposed, dropping its session binding first.</summary>
    public void Release(OnnxRuntimeBinding binding)
    {
        _lock.EnterWriteLock();
        try
        {
            _bindings.Remove(binding);
            binding.Unbind();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>An ONNX Runtime view of a contiguous CPU tensor's memory.</summary>
    private static OrtValue Bind(Tensor tensor, long[] dims)
    {
        var (address, bytes) = tensor.HostMemory();
        // The element types the export writes (OnnxExport.ElementType): the export refused any other.
        var type = tensor.Native.dtype switch
        {
            torch.ScalarType.Float32 => TensorElementType.Float,
            torch.ScalarType.Int32 => TensorElementType.Int32,
            torch.ScalarType.Int64 => TensorElementType.Int64,
            torch.ScalarType.Float64 => TensorElementType.Double,
            torch.ScalarType.Bool => TensorElementType.Bool,
            var other => throw new NotSupportedException($"ONNX Runtime cannot take a {other} tensor from this model's export."),
        };
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, dims, address, bytes);
    }

    /// <summary>For outputs whose sizes the model leaves open: ONNX Runtime allocates them and they are copied once.</summary>
    private IReadOnlyList<Tensor> RunAllocating(InferenceSession session, IReadOnlyList<OrtValue> inputs)
    {
        using var outputs = session.Run(_runOptions, session.InputNames, inputs, session.OutputNames);
        return outputs.Select(o =>
        {
            var info = o.GetTensorTypeAndShape();
            return info.ElementDataType switch
            {
                TensorElementType.Int32 => Tensor.From(o.GetTensorDataAsSpan<int>().ToArray(), info.Shape),
                TensorElementType.Int64 => Tensor.From(o.GetTensorDataAsSpan<long>().ToArray(), info.Shape),
                TensorElementType.Double => Tensor.From(o.GetTensorDataAsSpan<double>().ToArray(), info.Shape),
                TensorElementType.Bool => Tensor.From(o.GetTensorDataAsSpan<bool>().ToArray(), info.Shape),
                _ => Tensor.From(o.GetTensorDataAsSpan<float>().ToArray(), info.Shape),
            };
        }).ToArray();
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var binding in _bindings) binding.Unbind();
            _session?.Dispose();
            _session = null;
            foreach (var share in _sessionShares) share.Dispose();
            _runOptions.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
