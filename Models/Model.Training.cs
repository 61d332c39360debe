using TfFunctional.Callbacks;
using TfFunctional.Layers;
using TfFunctional.Losses;
using TfFunctional.Metrics;
using TfFunctional.Optimizers;

namespace TfFunctional;

public partial class Model
{
    private Compiled? _compiled;

    /// <summary>What <see cref="Compile"/> fixed: the optimizer, one loss, weight and metric list per output.</summary>
    private sealed record Compiled(Optimizer Optimizer, Loss?[] Losses, double[] LossWeights, Metric[][] Metrics)
    {
        /// <summary>Running (sum, count) of each tracked loss since the last reset.</summary>
        public Dictionary<string, (double Sum, double Count)> Trackers { get; } = [];
    }

    /// <summary>Set by a callback to end <c>Fit</c> after the current epoch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>The optimizer given to <see cref="Compile"/>, or null before.</summary>
    public Optimizer? Optimizer => _compiled?.Optimizer;

    /// <summary>What <c>Compile</c> was given, per output (for the compile config that files record), or null before <c>Compile</c>.</summary>
    internal (Optimizer Optimizer, Loss?[] Losses, double[] LossWeights, Metric[][] Metrics)? CompileArguments =>
        _compiled is { } c ? (c.Optimizer, c.Losses, c.LossWeights, c.Metrics) : null;

    /// <summary>
    /// Configures training, as Keras's <c>compile</c>: the optimizer (a name or object; Keras's default is rmsprop), the
    /// loss for every output or per output, the weight of each output's loss, and the metrics.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name (the valid ones are listed) or a list of the wrong length.</exception>
    public void Compile(Optimizer? optimizer = null, OutputLosses? loss = null, OutputLossWeights? lossWeights = null, OutputMetrics? metrics = null)
    {
        var outputNames = OutputNames;
        var losses = loss?.Resolve(outputNames) ?? new Loss?[outputNames.Count];
        var weights = lossWeights?.Resolve(outputNames) ?? outputNames.Select(_ => 1.0).ToArray();
        var resolvedMetrics = metrics?.Resolve(outputNames) ?? outputNames.Select(_ => Array.Empty<Metric>()).ToArray();
        _compiled = new Compiled(optimizer ?? new RMSprop(), losses, weights, resolvedMetrics);
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs on (x, y), as Keras's <c>fit</c>, and returns the per-epoch metrics.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model was not compiled with a loss.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model's inputs or outputs.</exception>
    public History Fit(ModelData x, ModelData y, int batchSize = 32, int epochs = 1, int verbose = 1,
        IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0.0, (ModelData X, ModelData Y)? validationData = null,
        bool shuffle = true, int initialEpoch = 0, int? stepsPerEpoch = null, int validationFreq = 1,
        IReadOnlyDictionary<int, double>? classWeight = null, Array? sampleWeight = null)
    {
        var compiled = RequireCompiled("Fit");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive. Received: {batchSize}");
        if (validationSplit is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"validationSplit must be in [0, 1). Received: {validationSplit}");
        var (inputs, targets) = ToTensors(x, y);
        var owned = new List<Tensor>(inputs.Concat(targets));   // freed at the end; views into them are not
        Tensor[]? validationInputs = null, validationTargets = null;
        try
        {
            long samples = inputs[0].Shape[0]!.Value;
            var weights = SampleWeights(sampleWeight, classWeight, inputs, targets, "the data");
            if (weights is not null) owned.Add(weights);
            if (validationData is { } data)
            {
                (validationInputs, validationTargets) = ToTensors(data.X, data.Y);
                owned.AddRange(validationInputs.Concat(validationTargets));
            }
            else if (validationSplit > 0)
            {
                // Keras takes the last samples, before any shuffling.
                long split = (long)(samples * (1 - validationSplit));
                if (split <= 0 || split >= samples)
                    throw new ArgumentException($"validationSplit={validationSplit} leaves no training or no validation samples out of {samples}.");
                validationInputs = inputs.Select(t => Ops.Narrow(t, 0, split, samples - split)).ToArray();
                validationTargets = targets.Select(t => Ops.Narrow(t, 0, split, samples - split)).ToArray();
                inputs = inputs.Select(t => Ops.Narrow(t, 0, 0, split)).ToArray();
                targets = targets.Select(t => Ops.Narrow(t, 0, 0, split)).ToArray();
                weights = weights is null ? null : Ops.Narrow(weights, 0, 0, split);
                samples = split;
            }

            int steps = stepsPerEpoch ?? (int)((samples + batchSize - 1) / batchSize);
            return TrainEpochs(compiled, initialEpoch, epochs, verbose, callbacks, (epoch, allCallbacks) =>
            {
                var progress = new ProgressBar(steps, verbose);
                var logs = new Dictionary<string, double>();
                using var order = shuffle ? Ops.RandomPermutation(samples) : Ops.Range(samples);
                for (int step = 0; step < steps && !StopTraining; step++)
                {
                    long start = step * (long)batchSize % samples;
                    long length = Math.Min(batchSize, samples - start);
                    logs = TrainBatch(step, allCallbacks, () =>
                    {
                        var indices = Ops.Narrow(order, 0, start, length);
                        return TrainStep(compiled, inputs.Select(t => Ops.Gather(t, indices)).ToArray(),
                            targets.Select(t => Ops.Gather(t, indices)).ToArray(), weights is null ? null : Ops.Gather(weights, indices));
                    });
                    if (step + 1 < steps) progress.Update(step + 1, logs);
                }
                var epochLogs = new Dictionary<string, double>(logs);
                if (validationInputs is not null && (epoch - initialEpoch + 1) % validationFreq == 0)
                    foreach (var (name, value) in EvaluateTensors(compiled, validationInputs, validationTargets!, batchSize))
                        epochLogs["val_" + name] = value;
                progress.Update(steps, epochLogs, finalize: true);
                return epochLogs;
            });
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>
    /// Trains on batches from a source (data that does not fit in memory): each epoch enumerates
    /// <paramref name="batches"/> again, one gradient step per (x, y) pair.
    /// </summary>
    public History Fit(IEnumerable<(ModelData X, ModelData Y)> batches, int epochs = 1, int verbose = 1, IReadOnlyList<Callback>? callbacks = null,
        int? stepsPerEpoch = null)
    {
        var compiled = RequireCompiled("Fit");
        return TrainEpochs(compiled, 0, epochs, verbose, callbacks, (_, allCallbacks) =>
        {
            var logs = new Dictionary<string, double>();
            int step = 0;
            foreach (var (x, y) in batches)
            {
                if (StopTraining || step == stepsPerEpoch) break;
                logs = TrainBatch(step, allCallbacks, () =>
                {
                    var (inputs, targets) = ToTensors(x, y);
                    try
                    {
                        return TrainStep(compiled, inputs, targets, null);
                    }
                    finally
                    {
                        foreach (var t in inputs.Concat(targets)) t.Dispose();
                    }
                });
                step++;
            }
            if (step == 0) throw new ArgumentException("The batch source gave no batches.");
            new ProgressBar(step, verbose).Update(step, logs, finalize: true);
            return logs;
        });
    }

    /// <summary>
    /// The epoch loop both Fits share, with Keras's callback order: train begin; per epoch, epoch begin, the epoch's
    /// batches (<paramref name="runEpoch"/>, which returns the epoch's logs), history, epoch end; train end.
    /// </summary>
    private History TrainEpochs(Compiled compiled, int initialEpoch, int epochs, int verbose, IReadOnlyList<Callback>? callbacks,
        Func<int, IReadOnlyList<Callback>, Dictionary<string, double>> runEpoch)
    {
        var history = new History();
        var allCallbacks = (callbacks ?? []).ToList();
        foreach (var callback in allCallbacks) callback.Model = this;
        StopTraining = false;
        var logs = new Dictionary<string, double>();
        foreach (var callback in allCallbacks) callback.OnTrainBegin(logs);
        for (int epoch = initialEpoch; epoch < epochs && !StopTraining; epoch++)
        {
            foreach (var callback in allCallbacks) callback.OnEpochBegin(epoch, new Dictionary<string, double>());
            if (verbose > 0 && epochs > 1) Console.WriteLine($"Epoch {epoch + 1}/{epochs}");
            ResetMetrics(compiled);
            logs = runEpoch(epoch, allCallbacks);
            history.Record(epoch, logs);
            foreach (var callback in allCallbacks) callback.OnEpochEnd(epoch, logs);
        }
        foreach (var callback in allCallbacks) callback.OnTrainEnd(logs);
        return history;
    }

    /// <summary>One batch between its callbacks, inside a memory scope.</summary>
    private static Dictionary<string, double> TrainBatch(int step, IReadOnlyList<Callback> callbacks, Func<Dictionary<string, double>> train)
    {
        foreach (var callback in callbacks) callback.OnTrainBatchBegin(step, new Dictionary<string, double>());
        Dictionary<string, double> logs;
        using (Ops.NewScope()) logs = train();
        foreach (var callback in callbacks) callback.OnTrainBatchEnd(step, logs);
        return logs;
    }

    /// <summary>The loss and metrics on (x, y), in inference mode, as Keras's <c>evaluate(return_dict=True)</c>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(ModelData x, ModelData y, int batchSize = 32, int verbose = 0)
    {
        var compiled = RequireCompiled("Evaluate");
        var (inputs, targets) = ToTensors(x, y);
        try
        {
            var logs = EvaluateTensors(compiled, inputs, targets, batchSize);
            if (verbose > 0)
            {
                int steps = (int)((inputs[0].Shape[0]!.Value + batchSize - 1) / batchSize);
                new ProgressBar(steps, verbose).Update(steps, logs, finalize: true);
            }
            return logs;
        }
        finally
        {
            foreach (var t in inputs.Concat(targets)) t.Dispose();
        }
    }

    /// <summary>
    /// One gradient step on one batch; returns that batch's loss and metrics (Keras's <c>return_dict=True</c>).
    /// <paramref name="sampleWeight"/> weighs each row's loss; <paramref name="classWeight"/> weighs each row by the
    /// weight of its class (as in <see cref="Fit(ModelData, ModelData, int, int, int, IReadOnlyList{Callback}?, double, ValueTuple{ModelData, ModelData}?, bool, int, int?, int, IReadOnlyDictionary{int, double}?, Array?)"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double> TrainOnBatch(ModelData x, ModelData y, Array? sampleWeight = null,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        var compiled = RequireCompiled("TrainOnBatch");
        var (inputs, targets) = ToTensors(x, y);
        try
        {
            ResetMetrics(compiled);
            using var scope = Ops.NewScope();
            return TrainStep(compiled, inputs, targets, SampleWeights(sampleWeight, classWeight, inputs, targets, "the batch"));
        }
        finally
        {
            foreach (var t in inputs.Concat(targets)) t.Dispose();
        }
    }

    /// <summary>The loss and metrics of one batch, without training.</summary>
    public IReadOnlyDictionary<string, double> TestOnBatch(ModelData x, ModelData y)
    {
        var compiled = RequireCompiled("TestOnBatch");
        var (inputs, targets) = ToTensors(x, y);
        try
        {
            return EvaluateTensors(compiled, inputs, targets, int.MaxValue);
        }
        finally
        {
            foreach (var t in inputs.Concat(targets)) t.Dispose();
        }
    }

    private Compiled RequireCompiled(string method)
    {
        var compiled = _compiled ?? throw new InvalidOperationException(
            $"You must call `Compile()` before using the model: `{method}` needs an optimizer and a loss (model \"{Name}\").");
        if (compiled.Losses.All(l => l is null))
            throw new InvalidOperationException($"Model \"{Name}\" was compiled without a loss: pass `loss` to `Compile()` before `{method}`.");
        return compiled;
    }

    private (Tensor[] Inputs, Tensor[] Targets) ToTensors(ModelData x, ModelData y)
    {
        var inputs = x.ToTensors(InputNames, _inputs.Select(i => (DType?)i.DType).ToArray(), "input");
        Tensor[] targets;
        try
        {
            targets = y.ToTensors(OutputNames, OutputNames.Select(_ => (DType?)null).ToArray(), "target");
        }
        catch
        {
            foreach (var t in inputs) t.Dispose();
            throw;
        }
        try
        {
            CheckData(inputs);
            long samples = inputs[0].Shape[0]!.Value;
            for (int i = 0; i < targets.Length; i++)
                if (targets[i].Shape[0] != samples)
                    throw new ArgumentException(
                        $"Data cardinality is ambiguous: make sure all arrays contain the same number of samples. " +
                        $"'x' sizes: {samples}, 'y' ('{OutputNames[i]}') sizes: {targets[i].Shape[0]}");
        }
        catch
        {
            foreach (var t in inputs.Concat(targets)) t.Dispose();
            throw;
        }
        return (inputs, targets);
    }

    /// <summary>
    /// Each sample's weight: <paramref name="sampleWeight"/> (one entry per sample of <paramref name="rows"/>), times its
    /// class's weight when <paramref name="classWeight"/> is given; null when neither is.
    /// </summary>
    private static Tensor? SampleWeights(Array? sampleWeight, IReadOnlyDictionary<int, double>? classWeight, Tensor[] inputs, Tensor[] targets, string rows)
    {
        if (sampleWeight is null && classWeight is null) return null;
        using var scope = Ops.NewScope();
        var weights = sampleWeight is null ? null : Ops.FromArray(sampleWeight, DType.Float32);
        long samples = inputs[0].Shape[0]!.Value;
        if (weights is not null && weights.Shape[0] != samples)
            throw new ArgumentException($"sampleWeight has {weights.Shape[0]} entries but {rows} has {samples} samples.");
        return scope.Keep(classWeight is null ? weights! : ClassWeights(classWeight, targets[0], weights));
    }

    private static Tensor ClassWeights(IReadOnlyDictionary<int, double> classWeight, Tensor targets, Tensor? sampleWeight)
    {
        // Keras: each sample's weight is the weight of its class (arg-max of one-hot targets, or the label rounded to
        // an integer); a class missing from the dictionary weighs 1.
        using var scope = Ops.NewScope();
        var labels = targets.Rank > 1 && targets.Shape[^1] > 1 ? Ops.Argmax(targets, -1)
            : Ops.Reshape(Ops.Cast(targets.DType.IsFloating() ? Ops.Round(targets) : targets, DType.Int64), -1);
        var classes = labels.ToArray<long>();
        var perSample = classes.Select(c => (float)classWeight.GetValueOrDefault((int)c, 1.0)).ToArray();
        var weights = Tensor.From(perSample, perSample.Length);
        return scope.Keep(sampleWeight is null ? weights : Ops.Multiply(weights, sampleWeight));
    }

    private static void ResetMetrics(Compiled compiled)
    {
        foreach (var metric in compiled.Metrics.SelectMany(m => m)) metric.ResetState();
        compiled.Trackers.Clear();
    }

    /// <summary>
    /// Gradients of at least this size are released after each step rather than kept (see <c>TrainStep</c>). Set between
    /// the measured cases: keeping wins for the Twitter model's 20 MB embedding gradient, releasing for VQA's 641 MB one.
    /// </summary>
    private const long LargeGradientBytes = 32L << 20;

    private Dictionary<string, double> TrainStep(Compiled compiled, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets, Tensor? sampleWeight)
    {
        OnWeightsChanged();
        var context = new CallContext(training: true);
        IReadOnlyList<Tensor> outputs;
        Tensor total;
        Tensor?[] outputLosses;
        var masks = new Tensor?[Outputs.Count];
        using (Ops.EnableGrad())
        {
            outputs = Run(inputs, context, masks);
            (total, outputLosses) = ComputeLoss(compiled, outputs, masks, targets, sampleWeight, context);
        }
        // Small gradient buffers are kept across steps and zeroed in place: a fresh one each step costs more in the
        // allocator (page faults; measured Twitter step 0.80–1.12 of the hand-written one, against a steady 0.86 kept).
        // Large ones are released after each step, so backward hands over its fresh buffer instead of adding into a
        // zeroed one: for VQA's 641 MB Dense gradient that saves two passes over it (VQA step 0.94 against 1.01 kept).
        // The gradient handles are freed with the step's memory scope.
        var variables = TrainableWeights;
        foreach (var variable in variables) variable.ZeroGradient();
        Ops.Backward(total);
        var gradients = variables.Select(v => v.Gradient).ToArray();
        compiled.Optimizer.ApplyGradients(gradients.Zip(variables).ToArray());
        foreach (var variable in variables)
            if (variable.ByteSize >= LargeGradientBytes) variable.ReleaseGradient();
        ApplyConstraints();
        using var noGrad = Ops.NoGrad();
        return UpdateLogs(compiled, inputs[0].Shape[0]!.Value, total, outputLosses, outputs, masks, targets, sampleWeight);
    }

    private Dictionary<string, double> EvaluateTensors(Compiled compiled, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets, int batchSize)
    {
        ResetMetrics(compiled);
        long samples = inputs[0].Shape[0]!.Value;
        var logs = new Dictionary<string, double>();
        using var noGrad = Ops.NoGrad();
        for (long start = 0; start < samples; start += batchSize)
        {
            using var scope = Ops.NewScope();
            long length = Math.Min(batchSize, samples - start);
            var x = inputs.Select(t => Ops.Narrow(t, 0, start, length)).ToArray();
            var y = targets.Select(t => Ops.Narrow(t, 0, start, length)).ToArray();
            var context = new CallContext(training: false);
            var masks = new Tensor?[Outputs.Count];
            var outputs = Run(x, context, masks);
            var (total, outputLosses) = ComputeLoss(compiled, outputs, masks, y, null, context);
            logs = UpdateLogs(compiled, length, total, outputLosses, outputs, masks, y, null);
        }
        return logs;
    }

    /// <summary>
    /// Keras's total: Σ wᵢ·lossᵢ over outputs (each over the entries its output's mask keeps), plus weight penalties and
    /// losses added during the call.
    /// </summary>
    private (Tensor Total, Tensor?[] OutputLosses) ComputeLoss(Compiled compiled, IReadOnlyList<Tensor> outputs, Tensor?[] masks,
        IReadOnlyList<Tensor> targets, Tensor? sampleWeight, CallContext context)
    {
        var outputLosses = new Tensor?[outputs.Count];
        Tensor? total = null;
        for (int i = 0; i < outputs.Count; i++)
        {
            if (compiled.Losses[i] is not { } loss) continue;
            var value = loss.Compute(targets[i], outputs[i], sampleWeight, masks[i]);
            outputLosses[i] = value;
            var weighted = compiled.LossWeights[i] == 1.0 ? value : Ops.Multiply(value, compiled.LossWeights[i]);
            total = total is null ? weighted : Ops.Add(total, weighted);
        }
        foreach (var penalty in Losses.Concat(context.Losses))
            total = Ops.Add(total!, penalty);
        return (total!, outputLosses);
    }

    private Dictionary<string, double> UpdateLogs(Compiled compiled, long batch, Tensor total, Tensor?[] outputLosses,
        IReadOnlyList<Tensor> outputs, Tensor?[] masks, IReadOnlyList<Tensor> targets, Tensor? sampleWeight)
    {
        bool several = outputs.Count > 1;
        var logs = new Dictionary<string, double>();
        void Track(string name, Tensor value)
        {
            // Keras tracks losses as means weighted by the batch size.
            var (sum, count) = compiled.Trackers.GetValueOrDefault(name);
            (sum, count) = (sum + Ops.Item(value) * batch, count + batch);
            compiled.Trackers[name] = (sum, count);
            logs[name] = sum / count;
        }
        Track("loss", total);
        if (several)
            for (int i = 0; i < outputs.Count; i++)
                if (outputLosses[i] is { } value) Track($"{OutputNames[i]}_loss", value);
        for (int i = 0; i < outputs.Count; i++)
            foreach (var metric in compiled.Metrics[i])
            {
                metric.UpdateState(targets[i], outputs[i], metric.FollowsMask && masks[i] is { } mask ? Masked(sampleWeight, mask) : sampleWeight);
                logs[several ? $"{OutputNames[i]}_{metric.Name}" : metric.Name] = metric.Result();
            }
        return logs;
    }

    /// <summary>Keras's <c>apply_mask</c> for a metric: the sample weights, 0 at the entries the mask drops.</summary>
    private static Tensor Masked(Tensor? sampleWeight, Tensor mask)
    {
        var keep = Ops.Cast(mask, DType.Float32);
        return sampleWeight is null ? keep : Ops.Multiply(keep, Ops.Cast(TfFunctional.Losses.Loss.Expanded(sampleWeight, keep.Rank), DType.Float32));
    }
}
