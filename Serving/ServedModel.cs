using Microsoft.Extensions.Logging;
using System.Diagnostics;

namespace TfFunctional.Serving;

/// <summary>
/// A model served under a name: loaded from its file, swapped in when the file is replaced (a new file that does not
/// load leaves the old version serving and is reported), and fed through a <see cref="PredictionBatcher"/>.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private readonly ILogger? _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private ModelHandle _current;
    private int _version;
    private readonly int? _fixedVersion;

    /// <summary>
    /// Loads <paramref name="path"/> and starts serving it as <paramref name="name"/>. Without <paramref name="version"/>
    /// the first load is version 1 and each reload of the file the next; with it (a version folder's number) every load
    /// of the file is that version.
    /// </summary>
    /// <exception cref="Saving.KerasFormatException">The file cannot be loaded.</exception>
    public ServedModel(string name, string path, KerasModelOptions options, ILogger? logger = null, int? version = null)
    {
        Name = name;
        _fixedVersion = version;
        Path = System.IO.Path.GetFullPath(path);
        Options = options;
        _logger = logger;
        _current = Load();
        Batcher = new PredictionBatcher(this, options);
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        if (options.WatchFile)
        {
            _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => ScheduleReload();
            _watcher.Created += (_, _) => ScheduleReload();
            _watcher.Renamed += (_, _) => ScheduleReload();
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>The name in URLs (<c>/v1/models/{name}</c>).</summary>
    public string Name { get; }
    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <summary>Batching and reload settings.</summary>
    public KerasModelOptions Options { get; }
    /// <summary>Gathers concurrent requests into one Predict call.</summary>
    public PredictionBatcher Batcher { get; }
    /// <summary>The version now serving (1 for the first load).</summary>
    public int Version => Volatile.Read(ref _current).Version;
    /// <summary>The last reload failure, or null.</summary>
    public string? LastReloadError { get; private set; }
    /// <summary>The model now serving, for metadata: predictions go through <see cref="Batcher"/>, which holds the version for the call.</summary>
    public Model Model => Volatile.Read(ref _current).Model;

    /// <summary>
    /// Refuses, before any tensor exists (413), a request of more rows than <see cref="KerasModelOptions.MaxRowsPerRequest"/>
    /// or one whose rows would need more working memory than <see cref="KerasModelOptions.MaxWorkingBytesPerRequest"/>.
    /// </summary>
    internal void CheckRows(int rows)
    {
        int maxRows = Options.MaxRowsPerRequest;
        if (rows > maxRows)
            throw new RequestException(413, $"The request holds {rows} rows, more than the {maxRows} rows one request may hold (MaxRowsPerRequest); split it into smaller requests.");
        long perRow = ActivationBytesPerSample, limit = Options.MaxWorkingBytesPerRequest;
        if (rows * perRow > limit)
            throw new RequestException(413,
                $"The request's {rows} rows would need about {Megabytes(rows * perRow)} of working memory ({Megabytes(perRow)} per row), more than the " +
                $"{Megabytes(limit)} one request may use (MaxWorkingBytesPerRequest); send at most {Math.Max(1, limit / perRow)} rows per request.");
    }

    private static string Megabytes(long bytes) => $"{bytes / 1048576.0:F1} MB";

    /// <summary>The serving version's working memory per row (<see cref="Model.ActivationBytesPerSample"/>).</summary>
    internal long ActivationBytesPerSample => Volatile.Read(ref _current).ActivationBytesPerSample;

    /// <summary>The current version with a lease: dispose the result to release it.</summary>
    internal Lease Acquire()
    {
        while (true)
        {
            var handle = Volatile.Read(ref _current);
            if (handle.TryAcquire()) return new Lease(handle);
        }
    }

    internal readonly struct Lease(ModelHandle handle) : IDisposable
    {
        public Model Model => handle.Model;
        public void Dispose() => handle.Release();
    }

    private void ScheduleReload() => _debounce.Change(200, Timeout.Infinite);

    /// <summary>Loads the file again and swaps it in; on failure the old version keeps serving.</summary>
    public bool Reload()
    {
        try
        {
            if (Options.CandidateCheck?.Invoke(Path) is { } refused) throw new Saving.KerasFormatException(refused);
            var fresh = Load();
            var old = Interlocked.Exchange(ref _current, fresh);
            old.Retire();
            LastReloadError = null;
            ServingMetrics.Reloads.WithLabels(Name, "loaded").Inc();
            _logger?.LogInformation("Model {Name} reloaded from {Path} as version {Version}", Name, Path, fresh.Version);
            return true;
        }
        catch (Exception e)   // runs on a timer thread: whatever the new file does, the old version keeps serving
        {
            LastReloadError = e.Message;
            ServingMetrics.Reloads.WithLabels(Name, "failed").Inc();
            _logger?.LogError("Model {Name}: the new file {Path} does not load, version {Version} keeps serving: {Error}", Name, Path, Version, e.Message);
            return false;
        }
    }

    private ModelHandle Load()
    {
        var clock = Stopwatch.StartNew();
        var model = Keras.LoadModel(Path);
        try
        {
            ChooseEngine(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        ServingMetrics.LoadSeconds.WithLabels(Name).Set(clock.Elapsed.TotalSeconds);
        return new ModelHandle(model, _fixedVersion ?? Interlocked.Increment(ref _version), DateTimeOffset.UtcNow);
    }

    /// <summary>Switches <paramref name="model"/> to the engine of <see cref="KerasModelOptions.Engine"/>.</summary>
    /// <exception cref="NotSupportedException">ONNX Runtime was asked for and the model does not export.</exception>
    private void ChooseEngine(Model model)
    {
        switch (Options.Engine)
        {
            case InferenceEngine.OnnxRuntime:
                model.UseOnnxRuntime();
                break;
            case null:
                try
                {
                    model.UseOnnxRuntime();
                }
                catch (NotSupportedException e)
                {
                    _logger?.LogInformation("Model {Name} runs on libtorch: {Reason}", Name, e.Message);
                }
                break;
        }
        _logger?.LogInformation("Model {Name} predicts with {Engine}", Name, model.InferenceEngine);
    }

    private int _disposed;

    /// <summary>Stops watching and batching and frees the model (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _watcher?.Dispose();
        _debounce.Dispose();
        Batcher.Dispose();
        Volatile.Read(ref _current).Retire();
    }
}
