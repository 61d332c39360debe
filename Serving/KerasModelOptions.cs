namespace TfFunctional.Serving;

/// <summary>How one model is served: its file, and the dynamic batching that gathers concurrent requests.</summary>
public sealed class KerasModelOptions
{
    /// <summary>Whether concurrent requests are gathered into one Predict call (as TF Serving's batching).</summary>
    public bool EnableBatching { get; set; } = true;

    /// <summary>The most rows one gathered Predict call takes.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long the first request of a batch waits for others.</summary>
    public TimeSpan BatchTimeout { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How many gathered batches may run at once (TF Serving's <c>num_batch_threads</c>); the number of cores by default.
    /// </summary>
    public int BatchThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// The most rows one request may hold (413 above it, before any tensor exists): a single request is run in one
    /// Predict call, so this, not <see cref="MaxBatchSize"/>, bounds the memory one client can make the server use.
    /// </summary>
    public int MaxRowsPerRequest { get; set; } = 4096;

    /// <summary>
    /// The most working memory one request, and one gathered batch, may make the model use: rows ×
    /// <see cref="Model.ActivationBytesPerSample"/>, checked before any tensor exists (413 above it); 1 GiB by default.
    /// Rows bound a small model; this bounds a large one (a 224×224 vision model holds tens of MB per row).
    /// </summary>
    public long MaxWorkingBytesPerRequest { get; set; } = 1L << 30;

    /// <summary>The largest request body accepted (413 above it); 64 MiB by default.</summary>
    public long MaxRequestBytes { get; set; } = ServingEndpoints.MaxRequestBytes;

    /// <summary>
    /// What runs the predictions: <see cref="InferenceEngine.OnnxRuntime"/> (the model must export to ONNX),
    /// <see cref="InferenceEngine.LibTorch"/>, or null (the default) for ONNX Runtime when the model exports and libtorch
    /// otherwise — ONNX Runtime measured faster at every batch size on the guide's MLP (README, "Export to ONNX").
    /// </summary>
    public InferenceEngine? Engine { get; set; }

    /// <summary>Whether a replaced model file is loaded and swapped in while serving.</summary>
    public bool WatchFile { get; set; } = true;

    /// <summary>
    /// Checks a model file before this process loads it (for a hot reload or a new version): returns null when the file
    /// may be loaded, or why not. A file can do what no exception reports (exhaust the stack or memory, crash native
    /// code), so tools/Server checks each candidate in a child process that loads it and exits; null here loads
    /// candidates directly.
    /// </summary>
    public Func<string, string?>? CandidateCheck { get; set; }

    /// <summary>For a model given as a base path (numbered version folders): which versions are served.</summary>
    public VersionPolicy VersionPolicy { get; set; } = VersionPolicy.Latest();

    /// <summary>Names for versions (TF Serving's <c>version_labels</c>), served at <c>/v1/models/{name}/labels/{label}</c>.</summary>
    public Dictionary<string, int> VersionLabels { get; set; } = [];

    /// <summary>
    /// How often a base path is scanned for new and removed versions (TF Serving's
    /// <c>--file_system_poll_wait_seconds</c>, 1 s by default); zero scans only at start-up.
    /// </summary>
    public TimeSpan FileSystemPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
