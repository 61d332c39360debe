using TfFunctional.Layers;

namespace TfFunctional;

public partial class Model
{
    private static readonly CallContext Inference = new(training: false);

    /// <summary>Predicts for one input array (a model with one input and one output), in batches of <paramref name="batchSize"/>.</summary>
    public Tensor Predict(Array x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for several input arrays, by input position.</summary>
    public Tensor Predict(Array[] x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for several input arrays, by input position.</summary>
    public Tensor Predict(IReadOnlyList<Array> x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for input arrays keyed by input layer name.</summary>
    public Tensor Predict(IReadOnlyDictionary<string, Array> x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for one input tensor.</summary>
    public Tensor Predict(Tensor x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for several input tensors, by input position.</summary>
    public Tensor Predict(Tensor[] x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for several input tensors, by input position.</summary>
    public Tensor Predict(IReadOnlyList<Tensor> x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts for input tensors keyed by input layer name.</summary>
    public Tensor Predict(IReadOnlyDictionary<string, Tensor> x, int batchSize = 32) => SingleOutput(PredictOutputs(x, batchSize));

    /// <summary>Predicts every output (one tensor per output, in order) for one input array.</summary>
    public IReadOnlyList<Tensor> PredictOutputs(Array x, int batchSize = 32) => WithArrays([x], batchSize, PredictOutputs);

    /// <summary>Predicts every output for input arrays by position.</summary>
    /// <remarks>A jagged array of numbers (<c>float[][]</c>) is the rows of one 2-D input, not one input per row.</remarks>
    public IReadOnlyList<Tensor> PredictOutputs(Array[] x, int batchSize = 32) =>
        WithArrays(ModelData.IsJaggedRows(x) ? [ModelData.Rows(x)] : x, batchSize, PredictOutputs);

    /// <summary>Predicts every output for input arrays by position.</summary>
    public IReadOnlyList<Tensor> PredictOutputs(IReadOnlyList<Array> x, int batchSize = 32) => WithArrays(x, batchSize, PredictOutputs);

    /// <summary>Predicts every output for input arrays keyed by input layer name.</summary>
    public IReadOnlyList<Tensor> PredictOutputs(IReadOnlyDictionary<string, Array> x, int batchSize = 32) =>
        WithArrays(OrderByInputName(x), batchSize, PredictOutputs);

    /// <summary>Predicts every output for one input tensor.</summary>
    public IReadOnlyList<Tensor> PredictOutputs(Tensor x, int batchSize = 32) => PredictOutputs([x], batchSize);

    /// <summary>Predicts every output for input tensors by position.</summary>
    public IReadOnlyList<Tensor> PredictOutputs(Tensor[] x, int batchSize = 32) => PredictOutputs((IReadOnlyList<Tensor>)x, batchSize);

    /// <summary>Predicts every output for input tensors keyed by input layer name.</summary>
    public IReadOnlyList<Tensor> PredictOutputs(IReadOnlyDictionary<string, Tensor> x, int batchSize = 32) =>
        PredictOutputs(OrderByInputName(x), batchSize);

    /// <summary>Predicts every output for input tensors by position: in batches, without gradients, inside memory scopes.</summary>
    /// <exception cref="ArgumentException">The number of inputs, a rank, a feature size or a sample count does not fit the model.</exception>
    public IReadOnlyList<Tensor> PredictOutputs(IReadOnlyList<Tensor> x, int batchSize = 32)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive. Received: batchSize={batchSize}");
        long samples = CheckData(x);
        if (samples <= batchSize)
            return PredictBatch(x);
        var parts = new List<IReadOnlyList<Tensor>>();
        try
        {
            for (long start = 0; start < samples; start += batchSize)
            {
                long length = Math.Min(batchSize, samples - start);
                using var sliceScope = Ops.NewScope();
                var slices = x.Select(t => Ops.Narrow(t, 0, start, length)).ToArray();
                var outputs = PredictBatch(slices);
                foreach (var output in outputs) sliceScope.Keep(output);
                parts.Add(outputs);
            }
            using var scope = Ops.NewScope();
            return Enumerable.Range(0, _outputs.Count)
                .Select(i => scope.Keep(Ops.Concatenate(parts.Select(p => p[i]).ToArray(), 0))).ToArray();
        }
        finally
        {
            foreach (var output in parts.SelectMany(p => p)) output.Dispose();
        }
    }

    /// <summary>Runs one batch without splitting it.</summary>
    public Tensor PredictOnBatch(Tensor x) => SingleOutput(PredictOnBatchOutputs([x]));

    /// <summary>Runs one batch of arrays without splitting it.</summary>
    public Tensor PredictOnBatch(Array x) => SingleOutput(WithArrays([x], int.MaxValue, (t, _) => PredictOnBatchOutputs(t)));

    /// <summary>Runs one batch of several inputs without splitting it; one tensor per output.</summary>
    public IReadOnlyList<Tensor> PredictOnBatchOutputs(IReadOnlyList<Tensor> x)
    {
        CheckData(x);
        return PredictBatch(x);
    }

    /// <summary>
    /// Makes input and output tensors once, for <paramref name="batchSize"/> samples, for a loop that predicts again and
    /// again without passing or allocating anything per call (under <see cref="UseOnnxRuntime"/>, bound to ONNX Runtime once).
    /// </summary>
    /// <exception cref="ArgumentException">An input has a dimension besides the batch left open (use Predict for inputs of varying sizes).</exception>
    public BoundPredictor CreateBoundPredictor(int batchSize = 1)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive. Received: batchSize={batchSize}");
        var inputs = new List<Tensor>();
        try
        {
            foreach (var input in _inputs)
            {
                var dims = input.Shape.WithoutBatch();
                if (!dims.IsFullyDefined)
                    throw new ArgumentException(
                        $"Input '{input.Layer.Name}' of model \"{Name}\" has shape {input.Shape}: a bound predictor needs every dimension " +
                        "but the batch fixed. Use Predict for inputs of varying sizes.");
                inputs.Add(Ops.HostZeros(dims.WithBatch(batchSize).Dims.Select(d => d!.Value).ToArray(), input.DType));
            }
            // One run on zeros gives every output's size (and warms the graph up).
            var outputs = PredictOnBatchOutputs(inputs);
            var hostOutputs = outputs.Select(Ops.HostCopy).ToArray();
            foreach (var output in outputs) output.Dispose();
            return new BoundPredictor(this, [.. inputs], hostOutputs);
        }
        catch
        {
            foreach (var tensor in inputs) tensor.Dispose();
            throw;
        }
    }

    private IReadOnlyList<Tensor> PredictBatch(IReadOnlyList<Tensor> x)
    {
        using var noGrad = Ops.NoGrad();
        using var scope = Ops.NewScope();
        var inputs = new Tensor[x.Count];
        for (int i = 0; i < x.Count; i++)
        {
            var input = Ops.ToDefaultDevice(x[i]);
            inputs[i] = input.DType == _inputs[i].DType ? input : CastInput(i, input);
        }
        var outputs = _onnxRuntime?.TryRun(inputs) ?? Run(inputs, Inference);
        var results = new Tensor[outputs.Count];
        for (int i = 0; i < outputs.Count; i++)
        {
            // An output that is one of the caller's tensors (an identity path) is copied: the caller owns both.
            var output = x.Contains(outputs[i]) || results.Contains(outputs[i]) ? Ops.Copy(outputs[i]) : outputs[i];
            results[i] = scope.Keep(output);
        }
        return results;
    }

    /// <summary>Checks the data against the model's inputs and returns the number of samples.</summary>
    private long CheckData(IReadOnlyList<Tensor> x)
    {
        var inputs = Graph.InputSlots.Length == _inputs.Count ? _inputs : throw new InvalidOperationException();
        if (x.Count != inputs.Count)
            throw new ArgumentException(
                $"Model \"{Name}\" expects {inputs.Count} input(s) ({string.Join(", ", InputNames)}), but it received {x.Count} input arrays.");
        long? samples = null;
        for (int i = 0; i < x.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(x[i], $"x[{i}]");
            var shape = x[i].Shape;
            var expected = inputs[i].Shape;
            if (!Compatible(expected, shape))
                throw new ArgumentException(
                    $"Input {i} of layer \"{Name}\" is incompatible with the layer: expected shape={expected}, found shape={shape} " +
                    $"(input \"{inputs[i].Layer.Name}\").");
            long count = shape[0]!.Value;
            if (samples is long n && n != count)
                throw new ArgumentException(
                    $"Data cardinality is ambiguous: make sure all arrays contain the same number of samples. " +
                    $"'{inputs[0].Layer.Name}' sizes: {n}, '{inputs[i].Layer.Name}' sizes: {count}");
            samples = count;
        }
        return samples ?? 0;
    }

    private IReadOnlyList<T> OrderByInputName<T>(IReadOnlyDictionary<string, T> x)
    {
        var unknown = x.Keys.Except(InputNames).ToArray();
        var missing = InputNames.Except(x.Keys).ToArray();
        if (missing.Length > 0 || unknown.Length > 0)
            throw new ArgumentException(
                $"The data dictionary does not match the inputs of model \"{Name}\": expected keys [{string.Join(", ", InputNames)}]" +
                (missing.Length > 0 ? $"; missing [{string.Join(", ", missing)}]" : "") +
                (unknown.Length > 0 ? $"; unknown [{string.Join(", ", unknown)}]" : "") + ".");
        return InputNames.Select(n => x[n]).ToArray();
    }

    private IReadOnlyList<Tensor> WithArrays(IReadOnlyList<Array> arrays, int batchSize, Func<IReadOnlyList<Tensor>, int, IReadOnlyList<Tensor>> predict)
    {
        if (arrays.Count != _inputs.Count)
            throw new ArgumentException(
                $"Model \"{Name}\" expects {_inputs.Count} input(s) ({string.Join(", ", InputNames)}), but it received {arrays.Count} input arrays.");
        var tensors = new Tensor[arrays.Count];
        try
        {
            for (int i = 0; i < arrays.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(arrays[i], $"x[{i}]");
                var array = arrays[i];
                tensors[i] = InputError(i, (array, dtype: _inputs[i].DType), static a => Ops.FromArray(a.array, a.dtype));
            }
            return predict(tensors, batchSize);
        }
        finally
        {
            foreach (var tensor in tensors) tensor?.Dispose();
        }
    }

    /// <summary>Input <paramref name="index"/> in the model's dtype (no closure: this sits on Predict's path).</summary>
    private Tensor CastInput(int index, Tensor input) => InputError(index, (input, dtype: _inputs[index].DType), static a => Ops.CastChecked(a.input, a.dtype));

    /// <summary>Runs a conversion of input <paramref name="index"/>, naming the input in its error (a static lambda and its state: no allocation).</summary>
    private T InputError<T, TState>(int index, TState state, Func<TState, T> convert)
    {
        try
        {
            return convert(state);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Input {index} ('{InputNames[index]}') of model \"{Name}\", dtype {_inputs[index].DType.KerasName()}: {e.Message}", e);
        }
    }

    private Tensor SingleOutput(IReadOnlyList<Tensor> outputs)
    {
        if (outputs.Count == 1) return outputs[0];
        foreach (var output in outputs) output.Dispose();
        throw new InvalidOperationException(
            $"Model \"{Name}\" has {outputs.Count} outputs ({string.Join(", ", OutputNames)}): use PredictOutputs to receive all of them.");
    }
}
