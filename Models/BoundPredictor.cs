using TfFunctional.Export.Onnx;

namespace TfFunctional;

/// <summary>
/// Input and output tensors made once, at a fixed batch size, for a loop that predicts again and again: the caller
/// writes the inputs (<see cref="SetInput{T}(int, ReadOnlySpan{T})"/>), <see cref="Run"/> predicts, and the outputs
/// are read in place (<see cref="Output{T}(int)"/>) until the next run. Under <see cref="Model.UseOnnxRuntime"/> the
/// tensors are bound to ONNX Runtime once (its <c>OrtIoBinding</c>), so a run passes and allocates nothing: this is
/// ONNX Runtime's own fastest way to be called. Under libtorch a run is <c>PredictOnBatch</c> copied into the
/// outputs. Made by <see cref="Model.CreateBoundPredictor"/>; one run at a time (make one per thread). A run follows
/// the model's engine and weights as they are when it starts.
/// </summary>
public sealed class BoundPredictor : IDisposable
{
    /// <summary>The inputs or the outputs: their tensors, their memory (looked up once) and their layers' names.</summary>
    private sealed record Side(string What, Tensor[] Tensors, HostBuffer[] Buffers, IReadOnlyList<string> Names)
    {
        public Side(string what, Tensor[] tensors, IReadOnlyList<string> names) : this(what, tensors, tensors.Select(t => new HostBuffer(t)).ToArray(), names) { }
    }

    private readonly Model _model;
    private readonly Side _inputs;
    private readonly Side _outputs;
    private OnnxRuntimeEngine? _boundEngine;
    private OnnxRuntimeBinding? _binding;
    private bool _disposed;
    private int _running;

    internal BoundPredictor(Model model, Tensor[] inputs, Tensor[] outputs)
    {
        _model = model;
        _inputs = new Side("input", inputs, model.InputNames);
        _outputs = new Side("output", outputs, model.OutputNames);
    }

    /// <summary>The number of samples every run takes and gives.</summary>
    public int BatchSize => _inputs.Tensors[0].Shape[0]!.Value;

    /// <summary>The input tensors, in the model's input order, shapes and dtypes (zeros until written).</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs.Tensors;

    /// <summary>The output tensors, in the model's output order; each run overwrites them.</summary>
    public IReadOnlyList<Tensor> Outputs => _outputs.Tensors;

    /// <summary>Writes input <paramref name="index"/>: every value of the batch, flattened in row-major order.</summary>
    /// <exception cref="ArgumentException">The element type is not the input's dtype, or the number of values is not the input's size.</exception>
    public void SetInput<T>(int index, ReadOnlySpan<T> values) where T : unmanaged => values.CopyTo(Values<T>(_inputs, index, values.Length));

    /// <summary>Writes input <paramref name="index"/> from an array flattened in row-major order.</summary>
    /// <exception cref="ArgumentException">The element type is not the input's dtype, or the number of values is not the input's size.</exception>
    public void SetInput<T>(int index, T[] values) where T : unmanaged => SetInput(index, (ReadOnlySpan<T>)values);

    /// <summary>Writes the input named <paramref name="name"/> (an input layer's name).</summary>
    /// <exception cref="ArgumentException">No input has that name, or the values do not fit it.</exception>
    public void SetInput<T>(string name, ReadOnlySpan<T> values) where T : unmanaged => SetInput(IndexOf(_inputs, name), values);

    /// <summary>Writes the input named <paramref name="name"/> from an array flattened in row-major order.</summary>
    /// <exception cref="ArgumentException">No input has that name, or the values do not fit it.</exception>
    public void SetInput<T>(string name, T[] values) where T : unmanaged => SetInput(IndexOf(_inputs, name), (ReadOnlySpan<T>)values);

    /// <summary>Output <paramref name="index"/>'s values from the last run, in place (flattened in row-major order), valid until the next run.</summary>
    /// <exception cref="ArgumentException">The element type is not the output's dtype.</exception>
    public ReadOnlySpan<T> Output<T>(int index) where T : unmanaged => Values<T>(_outputs, index, null);

    /// <summary>The values of the output named <paramref name="name"/> (an output layer's name) from the last run.</summary>
    /// <exception cref="ArgumentException">No output has that name, or the element type is not its dtype.</exception>
    public ReadOnlySpan<T> Output<T>(string name) where T : unmanaged => Output<T>(IndexOf(_outputs, name));

    /// <summary>Predicts for the inputs as written, into the outputs.</summary>
    /// <exception cref="ArgumentException">An input value the model cannot take (an id outside an Embedding's range), named as <c>Predict</c> names it.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // ONNX Runtime's binding must not run twice at once: a second thread is refused, never let through to native code.
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException($"A bound predictor of model \"{_model.Name}\" runs one call at a time: make one per thread.");
        try
        {
            RunOnce();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void RunOnce()
    {
        if (_model.OnnxRuntime is { } engine)
        {
            if (engine != _boundEngine)
            {
                // The model switched engines (or exported afresh through UseOnnxRuntime): bind to the new one.
                _binding?.Dispose();
                _binding = engine.CreateBinding(_inputs.Tensors, _outputs.Tensors);
                _boundEngine = engine;
            }
            if (_binding!.TryRun()) return;
        }
        // libtorch, or values ONNX Runtime refused: Predict's path, whose errors name the layer and the values.
        var results = _model.PredictOnBatchOutputs(_inputs.Tensors);
        try
        {
            for (int i = 0; i < results.Count; i++) Ops.CopyInto(_outputs.Tensors[i], results[i]);
        }
        finally
        {
            foreach (var result in results) result.Dispose();
        }
    }

    /// <summary>Frees the tensors and ONNX Runtime's binding of them.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding?.Dispose();
        foreach (var tensor in _inputs.Tensors.Concat(_outputs.Tensors)) tensor.Dispose();
    }

    /// <summary>Tensor <paramref name="index"/>'s memory as values of <typeparamref name="T"/>, checked against its dtype and, when given, a count.</summary>
    private Span<T> Values<T>(Side side, int index, int? count) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (index < 0 || index >= side.Buffers.Length)
            throw new ArgumentOutOfRangeException(nameof(index),
                $"Model \"{_model.Name}\" has {side.Buffers.Length} {side.What}(s); {side.What} {index} does not exist.");
        var buffer = side.Buffers[index];
        if (DTypes.FromElementType(typeof(T)) != buffer.DType)
            throw new ArgumentException(
                $"Model \"{_model.Name}\" {side.What} {index} ('{side.Names[index]}') is {buffer.DType.KerasName()}: " +
                $"it cannot be read or written as {typeof(T).Name}.");
        if (count is int n && n != buffer.Length)
            throw new ArgumentException(
                $"Model \"{_model.Name}\" {side.What} {index} ('{side.Names[index]}') takes {buffer.Length} values " +
                $"(shape {side.Tensors[index].Shape}), but {n} were given.");
        return buffer.As<T>();
    }

    private int IndexOf(Side side, string name)
    {
        for (int i = 0; i < side.Names.Count; i++)
            if (side.Names[i] == name) return i;
        throw new ArgumentException(
            $"Model \"{_model.Name}\" has no {side.What} named '{name}': its {side.What}s are [{string.Join(", ", side.Names)}].", nameof(name));
    }
}
