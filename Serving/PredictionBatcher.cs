using System.Threading.Channels;

namespace TfFunctional.Serving;

/// <summary>
/// Dynamic batching, as TF Serving does it: requests wait in a queue; the first one waits up to the batch timeout for
/// others, up to the maximum batch size in rows; the gathered rows run as one Predict call and the results are split
/// back, each request receiving exactly its rows.
/// </summary>
public sealed class PredictionBatcher : IDisposable
{
    private readonly ServedModel _served;
    private readonly KerasModelOptions _options;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _loop;
    private readonly SemaphoreSlim _batchThreads;

    internal PredictionBatcher(ServedModel served, KerasModelOptions options)
    {
        _served = served;
        _options = options;
        if (options.BatchThreads <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"BatchThreads must be positive. Received: {options.BatchThreads}");
        _batchThreads = new SemaphoreSlim(options.BatchThreads);
        if (options.EnableBatching) _loop = Task.Run(RunAsync);
    }

    private sealed record Pending(IReadOnlyList<float[]> Inputs, int Rows, Model? ParsedFor, TaskCompletionSource<IReadOnlyList<OutputRows>> Result);

    /// <summary>One output's values for some rows, row-major, with the shape of one row, under the output's name.</summary>
    public sealed record OutputRows(string Name, float[] Values, int Rows, int[] RowShape);

    /// <summary>
    /// Predicts <paramref name="rows"/> rows given as one flat array per model input (each row of the input's shape), with
    /// the version serving when the batch runs. <paramref name="parsedFor"/> is the model the inputs were checked against:
    /// if a reload has since changed the inputs' names, shapes or dtypes, the request fails (InvalidOperationException,
    /// to be sent again) rather than running on inputs laid out for another model.
    /// </summary>
    public Task<IReadOnlyList<OutputRows>> PredictAsync(IReadOnlyList<float[]> inputs, int rows, Model? parsedFor = null)
    {
        if (!_options.EnableBatching || rows >= _options.MaxBatchSize)
        {
            var alone = new Pending(inputs, rows, parsedFor, new TaskCompletionSource<IReadOnlyList<OutputRows>>());
            return Run([alone])[0] is { } outputs ? Task.FromResult(outputs) : alone.Result.Task;
        }
        var pending = new Pending(inputs, rows, parsedFor, new TaskCompletionSource<IReadOnlyList<OutputRows>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException($"Model {_served.Name} is shutting down.");
        return pending.Result.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                if (!reader.TryRead(out var first)) continue;
                var batch = new List<Pending> { first };
                int rows = first.Rows;
                var deadline = DateTime.UtcNow + _options.BatchTimeout;
                // A gathered batch may need no more working memory than one request may use.
                long rowsInMemory = Math.Max(1, _options.MaxWorkingBytesPerRequest / _served.ActivationBytesPerSample);
                while (rows < _options.MaxBatchSize)
                {
                    if (reader.TryPeek(out var next))
                    {
                        if (rows + next.Rows > rowsInMemory) break;
                        reader.TryRead(out _);   // the one reader: the request just looked at
                        batch.Add(next);
                        rows += next.Rows;
                        continue;
                    }
                    var remaining = deadline - DateTime.UtcNow;
                    if (remaining <= TimeSpan.Zero) break;
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(remaining);
                    try
                    {
                        if (!await reader.WaitToReadAsync(timeout.Token)) break;
                    }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                    {
                        break;
                    }
                }
                // Up to BatchThreads batches run at once; meanwhile this loop gathers the next one.
                try
                {
                    await _batchThreads.WaitAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    foreach (var pending in batch) pending.Result.TrySetException(new InvalidOperationException($"Model {_served.Name} stopped serving."));
                    throw;
                }
                _ = Task.Run(() =>
                {
                    try
                    {
                        var results = RunSafely(batch);
                        for (int i = 0; i < batch.Count; i++)
                        {
                            if (results[i] is { } outputs) batch[i].Result.TrySetResult(outputs);
                        }
                    }
                    finally
                    {
                        _batchThreads.Release();
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
        while (reader.TryRead(out var left)) left.Result.TrySetException(new InvalidOperationException($"Model {_served.Name} stopped serving."));
    }

    /// <summary>
    /// Runs a batch; when it fails with more than one request in it, runs each request alone, so that only the request
    /// at fault fails (one client's bad token id must not fail its batch-mates).
    /// </summary>
    private IReadOnlyList<OutputRows>?[] RunSafely(List<Pending> batch)
    {
        try
        {
            return Run(batch);
        }
        catch (Exception) when (batch.Count > 1)
        {
            var results = new IReadOnlyList<OutputRows>?[batch.Count];
            for (int i = 0; i < batch.Count; i++)
                results[i] = RunSafely([batch[i]])[0];
            return results;
        }
        catch (Exception e)
        {
            batch[0].Result.TrySetException(e);
            return [null];
        }
    }

    /// <summary>
    /// Runs the rows of several requests as one Predict call and splits the outputs back; a request whose inputs were
    /// checked against a model with other inputs than the leased one fails instead (its entry is null).
    /// </summary>
    private IReadOnlyList<OutputRows>?[] Run(List<Pending> requests)
    {
        using var lease = _served.Acquire();
        var model = lease.Model;
        var results = new IReadOnlyList<OutputRows>?[requests.Count];
        var batch = new List<Pending>();
        var positions = new List<int>();
        for (int i = 0; i < requests.Count; i++)
        {
            if (requests[i].ParsedFor is { } parsedFor && !SameInputs(parsedFor, model))
                requests[i].Result.TrySetException(new InvalidOperationException(
                    $"Model {_served.Name} was reloaded with other inputs while the request waited; send it again."));
            else
            {
                batch.Add(requests[i]);
                positions.Add(i);
            }
        }
        if (batch.Count == 0) return results;
        int total = batch.Sum(p => p.Rows);
        ServingMetrics.BatchSize.WithLabels(_served.Name).Observe(total);
        var inputs = new Tensor[model.Inputs.Count];
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                var rowShape = model.Inputs[i].Shape.Slice(1..).Select(d => (long)d!.Value).ToArray();
                var values = batch.Count == 1 ? batch[0].Inputs[i] : batch.SelectMany(p => p.Inputs[i]).ToArray();
                var floats = Tensor.From(values, [total, .. rowShape]);
                if (model.Inputs[i].DType == DType.Float32) inputs[i] = floats;
                else
                {
                    using (floats) inputs[i] = Ops.Cast(floats, model.Inputs[i].DType);
                }
            }
            var outputs = model.PredictOnBatchOutputs(inputs);
            try
            {
                var flat = outputs.Select(o => o.DType == DType.Float32 ? o.ToArray<float>() : Cast(o)).ToArray();
                var rowShapes = outputs.Select(o => o.Shape.Slice(1..).Select(d => d!.Value).ToArray()).ToArray();
                var names = model.OutputNames;
                int start = 0;
                for (int p = 0; p < batch.Count; p++)
                {
                    int rows = batch[p].Rows;
                    results[positions[p]] = flat.Select((values, o) =>
                    {
                        int width = values.Length / total;
                        return new OutputRows(names[o], values[(start * width)..((start + rows) * width)], rows, rowShapes[o]);
                    }).ToArray();
                    start += rows;
                }
                return results;
            }
            finally
            {
                foreach (var o in outputs) o.Dispose();
            }
        }
        finally
        {
            foreach (var t in inputs) t?.Dispose();
        }
    }

    /// <summary>Whether requests checked against <paramref name="parsedFor"/> fit <paramref name="model"/>: same input names, row shapes and dtypes.</summary>
    private static bool SameInputs(Model parsedFor, Model model) =>
        ReferenceEquals(parsedFor, model) ||
        (parsedFor.InputNames.SequenceEqual(model.InputNames) &&
         parsedFor.Inputs.Zip(model.Inputs).All(p => p.First.Shape.Slice(1..) == p.Second.Shape.Slice(1..) && p.First.DType == p.Second.DType));

    private static float[] Cast(Tensor tensor)
    {
        using var floats = Ops.Cast(tensor, DType.Float32);
        return floats.ToArray<float>();
    }

    /// <summary>Stops the batching loop; queued requests fail.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        _loop?.Wait(TimeSpan.FromSeconds(5));
        // Let the batches in flight finish before the model they lease can go.
        for (int i = 0; i < _options.BatchThreads; i++) _batchThreads.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
