using TfFunctional;
using TfFunctional.Serving;

// dotnet run --project tools/Server -c Release -- --model twitter=path/to/twitter.keras [--model other=...] [--rest_api_port 8501] [--port 8500]
//     [--max-batch 32] [--batch-timeout-ms 2] [--batch-threads <cores>] [--intra-op-threads 1] [--no-batching]
//     [--engine auto|onnxruntime|libtorch]   (auto: ONNX Runtime when the model exports to ONNX, else libtorch)
//     [--max-rows 4096]   (rows one request may hold; more is a 413)
//     [--max-request-mb 1024]   (working memory one request or batch may need, rows × the model's per-row activations)
// Models may also come from configuration: Models=name=path;name=path (tests use this).
const string Usage = """
    Serves Keras model files over TensorFlow Serving's REST and gRPC APIs.
    usage: dotnet run --project tools/Server -c Release -- --model name=path [--model name=path ...] [options]
      --model name=path        a .keras, .h5 or TF.js model.json file, or a base path of numbered version folders
                               (path/1/model.keras, path/2/...), served as /v1/models/name (repeatable)
      --model_name name        TF Serving's form of --model name=path, with --model_base_path path
      --model_base_path path
      --model_config_file f    TF Serving's model config (text format: model_config_list, version policies, labels)
      --file_system_poll_wait_seconds 1   how often base paths are scanned for new versions (0: at start-up only)
      --rest_api_port 8501     the REST API's port (as TF Serving's flag)
      --port 8500              the gRPC API's port (TF Serving's PredictionService, ModelService; 0: none)
      --host 127.0.0.1         the address both listen on (0.0.0.0 in a container)
      --engine auto            auto (ONNX Runtime when the model exports), onnxruntime or libtorch
      --max-batch 32           rows one gathered Predict call takes
      --batch-timeout-ms 2     how long the first request of a batch waits for others
      --batch-threads <cores>  gathered batches running at once
      --no-batching            run each request alone
      --max-rows 4096          rows one request may hold (more is a 413)
      --max-request-mb 1024    working memory one request, or one gathered batch, may need: rows times the
                               model's activations per row (more is a 413, before any tensor exists)
      --intra-op-threads 1     kernel threads per Predict
      --probe url              GET url and exit 0 on a 2xx (a container health check without curl)
      --help                   this text
    """;
string[] valued = ["--model", "--host", "--rest_api_port", "--model_name", "--model_base_path", "--model_config_file", "--file_system_poll_wait_seconds", "--port", "--engine", "--max-batch", "--batch-timeout-ms", "--batch-threads", "--max-rows", "--max-request-mb", "--intra-op-threads"];
if (args.Length == 2 && args[0] == TfFunctional.Server.CandidateCheck.Flag) return TfFunctional.Server.CandidateCheck.Run(args[1]);
// A container's health check without curl: GET the URL, exit 0 on a 2xx.
if (args.Length == 2 && args[0] == "--probe")
{
    try
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        return (await probe.GetAsync(args[1])).IsSuccessStatusCode ? 0 : 1;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
for (int i = 0; i < args.Length; i++)
{
    if (valued.Contains(args[i]))
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"error: {args[i]} needs a value\n\n{Usage}");
            return 2;
        }
        bool numeric = args[i] is not ("--model" or "--host" or "--engine" or "--model_name" or "--model_base_path" or "--model_config_file");
        bool fractional = args[i] is "--batch-timeout-ms" or "--file_system_poll_wait_seconds";
        if (numeric && !(fractional
                ? double.TryParse(args[i + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double real) && real >= 0
                : int.TryParse(args[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            Console.Error.WriteLine($"error: {args[i]} takes {(fractional ? "a number" : "a whole number")}, not '{args[i + 1]}'");
            return 2;
        }
        if (args[i] == "--model" && args[i + 1].IndexOf('=') <= 0)
        {
            Console.Error.WriteLine($"error: --model takes name=path, not '{args[i + 1]}'\n\n{Usage}");
            return 2;
        }
        i++;
    }
    else if (args[i] != "--no-batching" && args[i].StartsWith("--", StringComparison.Ordinal) && !args[i].Contains('='))
    {
        // ASP.NET's own settings come as --Key=value; any other flag is a mistake worth saying so.
        Console.Error.WriteLine($"error: unknown option {args[i]}\n\n{Usage}");
        return 2;
    }
}
var builder = WebApplication.CreateBuilder(args);
var models = new List<ModelConfigEntry>();
ModelConfigEntry Plain(string name, string path) => new(name, path, VersionPolicy.Latest(), new Dictionary<string, int>());
for (int i = 0; i < args.Length - 1; i++)
    if (args[i] == "--model") models.Add(Split(args[i + 1]));
if (builder.Configuration["Models"] is { Length: > 0 } configured)
    models.AddRange(configured.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Split));
if (Option("--model_name") is { } modelName)
{
    if (Option("--model_base_path") is not { } basePath)
    {
        Console.Error.WriteLine($"error: --model_name needs --model_base_path\n\n{Usage}");
        return 2;
    }
    models.Add(Plain(modelName, basePath));
}
if ((Option("--model_config_file") ?? builder.Configuration["ModelConfigFile"]) is { } configFile)
{
    try
    {
        models.AddRange(ModelConfigFile.Read(configFile));
    }
    catch (Exception e) when (e is FormatException or IOException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
}
if (models.Count == 0)
{
    Console.Error.WriteLine("error: give at least one model: --model name=path/to/model.keras");
    return 2;
}
double pollSeconds = Option("--file_system_poll_wait_seconds") is { } poll
    ? double.Parse(poll, System.Globalization.CultureInfo.InvariantCulture) : builder.Configuration.GetValue("FileSystemPollSeconds", 1.0);
int restPort = Option("--rest_api_port") is { } r ? int.Parse(r) : builder.Configuration.GetValue("RestApiPort", 8501);
int grpcPort = Option("--port") is { } g ? int.Parse(g) : builder.Configuration.GetValue("Port", 8500);
string hostText = Option("--host") ?? builder.Configuration.GetValue("Host", "127.0.0.1")!;
if (!System.Net.IPAddress.TryParse(hostText, out var host))
{
    Console.Error.WriteLine($"error: --host takes an IP address (127.0.0.1, 0.0.0.0, ::), not '{hostText}'");
    return 2;
}
int maxBatch = Option("--max-batch") is { } m ? int.Parse(m) : builder.Configuration.GetValue("MaxBatch", 32);
double timeoutMs = Option("--batch-timeout-ms") is { } t ? double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : builder.Configuration.GetValue("BatchTimeoutMs", 2.0);
bool batching = !args.Contains("--no-batching") && builder.Configuration.GetValue("Batching", true);
int batchThreads = Option("--batch-threads") is { } b ? int.Parse(b) : builder.Configuration.GetValue("BatchThreads", Environment.ProcessorCount);
// Requests run side by side, one kernel thread each: measured on 2 cores, letting every Predict spread over all cores
// from many request threads was 5x slower (OpenMP teams oversubscribe the cores).
Ops.IntraOpThreads = Option("--intra-op-threads") is { } k ? int.Parse(k) : builder.Configuration.GetValue("IntraOpThreads", 1);
string engineName = Option("--engine") ?? builder.Configuration.GetValue("Engine", "auto")!;
if (engineName is not ("auto" or "onnxruntime" or "libtorch"))
{
    Console.Error.WriteLine($"error: --engine takes auto, onnxruntime or libtorch, not '{engineName}'");
    return 2;
}
InferenceEngine? engine = engineName switch { "onnxruntime" => InferenceEngine.OnnxRuntime, "libtorch" => InferenceEngine.LibTorch, _ => null };
foreach (var entry in models)
    builder.Services.AddKerasModel(entry.Name, entry.BasePath, options =>
    {
        options.VersionPolicy = entry.VersionPolicy;
        // Hot reloads and new versions are loaded in a child process first: no file can take the server down.
        options.CandidateCheck = builder.Configuration.GetValue("CheckCandidates", true) ? TfFunctional.Server.CandidateCheck.InChildProcess : null;
        options.VersionLabels = new Dictionary<string, int>(entry.VersionLabels);
        options.FileSystemPollInterval = TimeSpan.FromSeconds(pollSeconds);
        options.EnableBatching = batching;
        options.MaxBatchSize = maxBatch;
        options.BatchThreads = batchThreads;
        options.BatchTimeout = TimeSpan.FromMilliseconds(timeoutMs);
        options.MaxRequestBytes = builder.Configuration.GetValue("MaxRequestBytes", ServingEndpoints.MaxRequestBytes);
        options.Engine = engine;
        options.MaxRowsPerRequest = Option("--max-rows") is { } rows ? int.Parse(rows) : builder.Configuration.GetValue("MaxRowsPerRequest", options.MaxRowsPerRequest);
        options.MaxWorkingBytesPerRequest = Option("--max-request-mb") is { } megabytes ? long.Parse(megabytes) << 20
            : builder.Configuration.GetValue("MaxWorkingBytesPerRequest", options.MaxWorkingBytesPerRequest);
    });
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = ServingEndpoints.MaxRequestBytes;
    // REST on HTTP/1.1 and 2; gRPC needs HTTP/2 without TLS (h2c), which a port only speaks when it speaks nothing else.
    kestrel.Listen(host, restPort, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2);
    if (grpcPort > 0) kestrel.Listen(host, grpcPort, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
});
var app = builder.Build();
app.MapKerasServing();
// Load every model before the first request, so a bad file fails at start-up.
ModelRegistry registry;
try
{
    registry = app.Services.GetRequiredService<ModelRegistry>();
}
catch (Exception e) when (e is TfFunctional.Saving.KerasFormatException or IOException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 3;
}
Console.WriteLine($"Serving {string.Join(", ", registry.Names)} on REST port {restPort}{(grpcPort > 0 ? $" and gRPC port {grpcPort}" : "")} (batching {(batching ? $"on, up to {maxBatch} rows / {timeoutMs} ms" : "off")})");
app.Run();
return 0;

// A flag given twice takes its last value (so a container's arguments can override its defaults).
string? Option(string flag)
{
    int index = Array.LastIndexOf(args, flag);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

ModelConfigEntry Split(string spec)
{
    int equals = spec.IndexOf('=');
    if (equals <= 0) throw new ArgumentException($"A model is given as name=path, not '{spec}'.");
    return Plain(spec[..equals], spec[(equals + 1)..]);
}
