using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using TfFunctional.Saving;

namespace TfFunctional.Serving;

/// <summary>
/// The versions of one model being served. A model given as a file has one version (numbered 1, and one more at each
/// hot reload of the file). A model given as a directory is a TF Serving base path: each numbered subfolder
/// (<c>models/twitter/1/</c>, <c>2/</c>, …) holds one version's model file (<c>.keras</c>, <c>.h5</c> or TF.js
/// <c>model.json</c>); the <see cref="KerasModelOptions.VersionPolicy"/> chooses which are served, and the folder is
/// scanned again every <see cref="KerasModelOptions.FileSystemPollInterval"/>: new versions load while clients run,
/// removed ones are unloaded, and a version whose file does not load is passed over (the others keep serving).
/// </summary>
public sealed class ModelVersions : IDisposable
{
    /// <summary>How long an unloaded version stays usable for requests that already chose it.</summary>
    private static readonly TimeSpan UnloadGrace = TimeSpan.FromSeconds(10);

    private readonly ILogger? _logger;
    private readonly ServedModel? _single;
    private readonly Timer? _poll;
    private readonly object _pollGate = new();
    private ImmutableSortedDictionary<int, ServedModel> _versions = ImmutableSortedDictionary<int, ServedModel>.Empty;
    private readonly Dictionary<int, (DateTime Stamp, string Error)> _failed = [];
    // What status requests read: a copy made after each scan, so that they never wait for a version that is loading.
    private ImmutableDictionary<int, string> _failures = ImmutableDictionary<int, string>.Empty;
    private bool _disposed;

    /// <summary>Loads the model at <paramref name="path"/> (a file, or a base path of version folders).</summary>
    /// <exception cref="KerasFormatException">The file does not load, or no version under the base path does.</exception>
    public ModelVersions(string name, string path, KerasModelOptions options, ILogger? logger = null)
    {
        Name = name;
        Path = System.IO.Path.GetFullPath(path);
        Options = options;
        _logger = logger;
        if (!Directory.Exists(Path))
        {
            _single = new ServedModel(name, Path, options, logger);
            return;
        }
        Poll(startingUp: true);
        if (_versions.IsEmpty)
        {
            string failures = string.Join("; ", _failed.OrderByDescending(f => f.Key).Select(f => $"version {f.Key}: {f.Value.Error}"));
            throw new KerasFormatException($"Model {name}: no version under {Path} can be served" + (failures.Length > 0 ? $" ({failures})." :
                ": it holds no numbered version folder (models/name/1/model.keras, ...)."));
        }
        if (options.FileSystemPollInterval > TimeSpan.Zero)
            _poll = new Timer(_ => PollSafely(), null, options.FileSystemPollInterval, options.FileSystemPollInterval);
    }

    /// <summary>The model's name in URLs.</summary>
    public string Name { get; }
    /// <summary>The model file or base path.</summary>
    public string Path { get; }
    /// <summary>How the model is served.</summary>
    public KerasModelOptions Options { get; }
    /// <summary>Whether the model is a base path of version folders.</summary>
    public bool IsBasePath => _single is null;

    /// <summary>The versions being served, lowest first.</summary>
    public IReadOnlyList<ServedModel> Serving => _single is { } single ? [single] : [.. Volatile.Read(ref _versions).Values];

    /// <summary>The highest version served (TF Serving's <c>Latest</c>); null when the base path no longer holds one that loads.</summary>
    public ServedModel? Latest => _single ?? Volatile.Read(ref _versions).Values.LastOrDefault();

    /// <summary>The version numbered <paramref name="version"/>, if it is served.</summary>
    public ServedModel? Specific(int version) => _single is { } single
        ? (single.Version == version ? single : null)
        : Volatile.Read(ref _versions).GetValueOrDefault(version);

    /// <summary>Each version's TF Serving status, highest first: the served ones AVAILABLE, the ones that failed to load END with their error.</summary>
    public IReadOnlyList<(int Version, string State, string ErrorCode, string ErrorMessage)> Statuses()
    {
        if (_single is { } single) return [(single.Version, "AVAILABLE", "OK", single.LastReloadError ?? "")];
        var versions = Volatile.Read(ref _versions);
        List<(int, string, string, string)> statuses = [.. versions.Keys.Select(v => (v, "AVAILABLE", "OK", ""))];
        statuses.AddRange(Volatile.Read(ref _failures).Where(f => !versions.ContainsKey(f.Key)).Select(f => (f.Key, "END", "UNKNOWN", f.Value)));
        return [.. statuses.OrderByDescending(s => s.Item1)];
    }

    /// <summary>
    /// Scans the base path once: loads the versions the policy wants, unloads those it no longer wants. While serving,
    /// each new version passes <see cref="KerasModelOptions.CandidateCheck"/> first; at start-up nothing is served yet,
    /// so versions load directly (as a model file given alone does).
    /// </summary>
    public void Poll() => Poll(startingUp: false);

    // On the timer's thread an exception would end the process: whatever a scan meets is logged, and the next scan tries again.
    private void PollSafely()
    {
        try
        {
            Poll(startingUp: false);
        }
        catch (Exception e)
        {
            _logger?.LogError(e, "Model {Name}: scanning {Path} failed; the versions served are unchanged", Name, Path);
        }
    }

    private void Poll(bool startingUp)
    {
        if (_single is not null) return;
        lock (_pollGate)
        {
            if (_disposed) return;
            List<(int Version, string Folder)> found;
            try
            {
                found = [.. Directory.GetDirectories(Path)
                    .Select(d => (Ok: int.TryParse(System.IO.Path.GetFileName(d), out int v) && v >= 0, Version: v, Folder: d))
                    .Where(f => f.Ok).Select(f => (f.Version, f.Folder)).OrderByDescending(f => f.Version)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger?.LogError("Model {Name}: cannot read the base path {Path}: {Error}", Name, Path, e.Message);
                return;
            }
            var current = _versions;
            var loaded = new Dictionary<int, ServedModel>();
            var folders = found.ToDictionary(f => f.Version, f => f.Folder);
            foreach (int gone in _failed.Keys.Where(v => !folders.ContainsKey(v)).ToArray()) _failed.Remove(gone);   // its folder was removed
            bool Loads(int version)
            {
                if (current.ContainsKey(version)) return true;
                string folder = folders[version];
                var stamp = Directory.GetLastWriteTimeUtc(folder);
                if (_failed.TryGetValue(version, out var failure) && failure.Stamp == stamp) return false;   // tried, unchanged since
                try
                {
                    string file = ModelFileIn(folder);
                    if (!startingUp && Options.CandidateCheck?.Invoke(file) is { } refused) throw new KerasFormatException(refused);
                    loaded[version] = new ServedModel(Name, file, Options, _logger, version);
                    _failed.Remove(version);
                    ServingMetrics.Reloads.WithLabels(Name, "loaded").Inc();
                    _logger?.LogInformation("Model {Name}: version {Version} loaded from {Folder}", Name, version, folder);
                    return true;
                }
                catch (Exception e)   // whatever a version's file does, the other versions keep serving
                {
                    _failed[version] = (stamp, e.Message);
                    ServingMetrics.Reloads.WithLabels(Name, "failed").Inc();
                    _logger?.LogError("Model {Name}: version {Version} in {Folder} does not load and is not served: {Error}", Name, version, folder, e.Message);
                    return false;
                }
            }
            var chosen = Options.VersionPolicy.Choose([.. found.Select(f => f.Version)], Loads).ToHashSet();
            var next = ImmutableSortedDictionary.CreateRange(chosen.Select(v =>
                KeyValuePair.Create(v, current.TryGetValue(v, out var served) ? served : loaded[v])));
            Volatile.Write(ref _versions, next);
            Volatile.Write(ref _failures, _failed.ToImmutableDictionary(f => f.Key, f => f.Value.Error));
            // Loaded but not chosen (a policy that stopped early never loads those); and the versions no longer wanted.
            foreach (var (version, served) in loaded.Where(l => !chosen.Contains(l.Key))) served.Dispose();
            foreach (var (version, served) in current.Where(c => !chosen.Contains(c.Key)))
            {
                _logger?.LogInformation("Model {Name}: version {Version} is no longer served", Name, version);
                _ = Task.Delay(UnloadGrace).ContinueWith(_ => served.Dispose(), TaskScheduler.Default);
            }
        }
    }

    /// <summary>The one model file in a version folder.</summary>
    private static string ModelFileIn(string folder)
    {
        var files = Directory.GetFiles(folder)
            .Where(f => System.IO.Path.GetExtension(f).ToLowerInvariant() is ".keras" or ".h5" or ".hdf5" || System.IO.Path.GetFileName(f) == "model.json")
            .ToArray();
        return files.Length switch
        {
            1 => files[0],
            0 => throw new KerasFormatException($"{folder} holds no model file (.keras, .h5 or TF.js model.json)."),
            _ => throw new KerasFormatException($"{folder} holds several model files ({string.Join(", ", files.Select(System.IO.Path.GetFileName))}); a version folder holds one."),
        };
    }

    /// <summary>Stops polling and serving every version.</summary>
    public void Dispose()
    {
        lock (_pollGate) _disposed = true;
        _poll?.Dispose();
        _single?.Dispose();
        foreach (var served in Volatile.Read(ref _versions).Values) served.Dispose();
    }
}
