using System.Globalization;
using TfFunctional;
using TfFunctional.LoadTest;
using TfFunctional.Tools.Shared;

// dotnet run --project tools/LoadTest -c Release -- [--seconds 60] [--connections 16] [--max-batch <connections>] [--model path.keras] [--bad-client]
// Starts tools/Server on loopback with the guide's Twitter model, drives it with concurrent connections (one row per
// request) with each engine, dynamic batching on, then off, and compares the throughput with in-process Predict at the same batch sizes.
// --bad-client: instead, one of the connections is a bad client (a token id beyond the vocabulary in every request),
// paced at a good client's rate or flooding (its next request as soon as its 400 arrives), in phases interleaved with
// phases without it on one server: the good clients' median throughput, p99 and errors against the phases without it.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const string Usage = "usage: dotnet run --project tools/LoadTest -c Release -- [--seconds 60] [--connections 16] [--max-batch <connections>] [--model path.keras] [--bad-client]";
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--bad-client") continue;
    bool numeric = args[i] is "--seconds" or "--connections" or "--max-batch";
    if (!numeric && args[i] != "--model")
    {
        Console.Error.WriteLine($"error: unknown option {args[i]}\n{Usage}");
        return 2;
    }
    if (i + 1 >= args.Length || (numeric && !(int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0)))
    {
        Console.Error.WriteLine($"error: {args[i]} takes {(numeric ? "a positive whole number" : "a path")}\n{Usage}");
        return 2;
    }
    i++;
}
int seconds = Option("--seconds", 60);
int connections = Option("--connections", 16);
int maxBatch = Option("--max-batch", connections);   // batches fill at the concurrency instead of waiting out the timeout
string folder = Path.Combine(Path.GetTempPath(), "tffunctional-load-" + Environment.ProcessId);
Directory.CreateDirectory(folder);
string modelPath = args.SkipWhile(a => a != "--model").Skip(1).FirstOrDefault() ?? Path.Combine(folder, "twitter.keras");
if (!File.Exists(modelPath)) GuideModels.Twitter().Save(modelPath);
string serverProject = FindServerProject();

Console.WriteLine($"Load test: {connections} connections, {seconds} s per run, max batch {maxBatch}, {Environment.ProcessorCount} cores, model {modelPath}");
// The yardstick first, on this thread, before any HTTP work: one caller, libtorch's default kernel threads.
var yardstick = new[] { 1, Math.Min(connections, maxBatch) }.Distinct()
    .ToDictionary(batch => batch, batch => InProcess.RowsPerSecond(modelPath, batch, TimeSpan.FromSeconds(Math.Min(10, seconds))));
Console.WriteLine();
int portOffset = 0;
if (!args.Contains("--bad-client"))
{
    Console.WriteLine("| engine | batching | requests/s | p50 ms | p99 ms | errors | mean rows per Predict | server RSS MB over the run | in-process libtorch Predict rows/s | ratio |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (string engine in new[] { "libtorch", "onnxruntime" })
    foreach (bool batching in new[] { true, false })
    {
        var run = await LoadRun.Measure(serverProject, modelPath, engine, batching, maxBatch, connections, TimeSpan.FromSeconds(seconds), port: 18501 + portOffset++);
        int batch = yardstick.Keys.MinBy(b => Math.Abs(b - run.MeanBatch));
        double inProcess = yardstick[batch];
        Console.WriteLine($"| {engine} | {(batching ? "on" : "off")} | {run.Throughput:F0} | {run.P50:F2} | {run.P99:F2} | {run.Errors} | {run.MeanBatch:F1} | " +
                          $"{string.Join(" → ", run.RssMb.Select(m => m.ToString("F0")))} | {inProcess:F0} (batch {batch}) | {run.Throughput / inProcess:F2} |");
    }
}
else
{
    // One of the connections is a bad client: paced (a good client's request rate, bad data) or flooding. Phases of
    // each kind alternate on one server (seconds / 20 each, four rounds), and the medians are compared.
    // "15 good": the good clients alone, as many as beside the bad one, the fair yardstick for what the bad one costs
    // them (one connection fewer also leaves every batch one row short of the maximum, which waits out the timeout).
    // "15 good + pauses only": the paced bad client's waits without its requests, a control for the load generator.
    (string, FirstClient, int)[] phases = [("16 good", FirstClient.Good, 0), ("15 good", FirstClient.Good, 1),
        ("15 good + paced bad", FirstClient.PacedBad, 0), ("15 good + flooding bad", FirstClient.FloodingBad, 0), ("15 good + pauses only", FirstClient.PausesOnly, 0)];
    var phase = TimeSpan.FromSeconds(Math.Max(2, seconds / 20.0));
    Console.WriteLine();
    Console.WriteLine("| engine | batching | clients | good requests/s (median of phases) | vs 15 good | good p99 ms (all phases) | vs 15 good | good errors | bad requests (answered 4xx) | server RSS MB |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (string engine in new[] { "libtorch", "onnxruntime" })
    foreach (bool batching in new[] { true, false })
    {
        var runs = await LoadRun.Measure(serverProject, modelPath, engine, batching, maxBatch, connections, phase, 18501 + portOffset++, phases, rounds: 4);
        var none = runs["15 good"];
        bool first = true;
        foreach (var (label, run) in runs)
        {
            // One server for all phases: its memory over the whole run, on the first row.
            string rss = first ? string.Join(" → ", run.RssMb.Select(m => m.ToString("F0"))) : "";
            first = false;
            Console.WriteLine($"| {engine} | {(batching ? "on" : "off")} | {label} | {run.Throughput:F0} | {run.Throughput / none.Throughput:F3} | {run.P99:F2} | {run.P99 / none.P99:F3} | " +
                              $"{run.Errors} | {run.BadRequests} ({run.BadAnswered4xx}) | {rss} |");
        }
    }
}
Directory.Delete(folder, recursive: true);
return 0;

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
}

static string FindServerProject()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        string candidate = Path.Combine(directory.FullName, "tools", "Server", "TfFunctional.Server.csproj");
        if (File.Exists(candidate)) return candidate;
    }
    throw new FileNotFoundException("tools/Server/TfFunctional.Server.csproj not found above " + AppContext.BaseDirectory);
}
