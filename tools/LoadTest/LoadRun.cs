using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TfFunctional.LoadTest;

/// <summary>What the first connection does in a phase: a good client's work, bad requests (paced or flooding), or only a good client's pauses.</summary>
internal enum FirstClient { Good, PacedBad, FloodingBad, PausesOnly }

/// <summary>
/// One timed run against a freshly started server process: the good clients' throughput, latencies and errors, and
/// (when some connections belong to a bad client sending token ids outside the vocabulary) how its requests were answered.
/// </summary>
internal sealed record LoadRun(double Throughput, double P50, double P99, long Errors, double MeanBatch, IReadOnlyList<double> RssMb,
    long BadRequests, long BadAnswered4xx)
{
    public static async Task<LoadRun> Measure(string serverProject, string modelPath, string engine, bool batching, int maxBatch, int connections, TimeSpan duration, int port) =>
        (await Measure(serverProject, modelPath, engine, batching, maxBatch, connections, duration, port, [("none", FirstClient.Good, 0)], rounds: 1))["none"];

    /// <summary>
    /// One server; <paramref name="rounds"/> rounds of the <paramref name="phases"/> (label, what the first connection does, connections left idle), each
    /// phase driving the server for <paramref name="duration"/>: phases interleaved, so that a busy neighbour on a
    /// shared machine hits every kind alike. Per label: the median of the phases' good throughput, the percentiles of
    /// all their good latencies, the errors and bad requests summed.
    /// </summary>
    public static async Task<Dictionary<string, LoadRun>> Measure(string serverProject, string modelPath, string engine, bool batching, int maxBatch, int connections,
        TimeSpan duration, int port, IReadOnlyList<(string Label, FirstClient First, int IdleClients)> phases, int rounds)
    {
        var start = new ProcessStartInfo("dotnet", ["run", "--project", serverProject, "-c", "Release", "--no-build", "--",
            "--model", $"twitter={modelPath}", "--rest_api_port", port.ToString(), "--port", "0", "--max-batch", maxBatch.ToString(), "--engine", engine,
            .. batching ? Array.Empty<string>() : ["--no-batching"]])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            await WaitUntilHealthy(client, server);
            var random = new Random(3);
            string[] bodies = Enumerable.Range(0, 64).Select(_ => Body(random)).ToArray();
            // The bad client's bodies: one token id in each beyond the vocabulary of 10,000.
            string[] badBodies = [.. bodies.Select((b, i) => Regex.Replace(b, @"\[(\d+),", $"[{10_000 + i * 37},"))];
            // Warm-up, then the resident memory the run starts from.
            await Drive(client, bodies, badBodies, connections, FirstClient.Good, TimeSpan.FromSeconds(3));
            int pid = ServerPid(server);
            var rss = new List<double> { ResidentMb(pid) };
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                var tick = TimeSpan.FromSeconds(Math.Max(1, duration.TotalSeconds * phases.Count * rounds / 6));
                while (!sampling.IsCancellationRequested)
                {
                    await Task.Delay(tick).ContinueWith(_ => { });
                    if (!sampling.IsCancellationRequested) lock (rss) rss.Add(ResidentMb(pid));
                }
            });
            var runs = phases.ToDictionary(p => p.Label, _ => new List<(double Throughput, List<double> Latencies, long Errors, long Bad, long Bad4xx)>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (label, first, idle) in phases)
                {
                    var (latencies, errors, elapsed, badRequests, bad4xx) = await Drive(client, bodies, badBodies, connections - idle, first, duration);
                    runs[label].Add((latencies.Count / elapsed.TotalSeconds, latencies, errors, badRequests, bad4xx));
                }
            }
            sampling.Cancel();
            await sampler;
            rss.Add(ResidentMb(pid));
            string metrics = await client.GetStringAsync("/metrics");
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToArray();
                return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            }
            // Throughput: the median of the phases; latencies: pooled over the phases of a kind (a 4-second phase
            // holds too few requests for a steady p99 of its own).
            return runs.ToDictionary(r => r.Key, r =>
            {
                var pooled = r.Value.SelectMany(v => v.Latencies).Order().ToList();
                return new LoadRun(Median(r.Value.Select(v => v.Throughput)), Percentile(pooled, 0.50), Percentile(pooled, 0.99),
                    r.Value.Sum(v => v.Errors), RowsPerPredict(metrics), rss, r.Value.Sum(v => v.Bad), r.Value.Sum(v => v.Bad4xx));
            });
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static string Body(Random random)
    {
        var tokens = string.Join(",", Enumerable.Range(0, 100).Select(_ => random.Next(10000)));
        var extra = string.Join(",", Enumerable.Range(0, 5).Select(_ => (random.NextDouble() * 2 - 1).ToString("F3", CultureInfo.InvariantCulture)));
        return $"{{\"instances\": [{{\"main_input\": [{tokens}], \"aux_input\": [{extra}]}}]}}";
    }

    /// <summary>
    /// Drives the server from <paramref name="connections"/> workers, the first doing what <paramref name="first"/>
    /// says: the good workers' latencies and errors, and the bad one's count of requests and of 4xx answers. A paced
    /// bad client sends at a good client's rate (its next request when a good request would have come back: a client
    /// whose data is bad); a flooding one sends its next as soon as its 400 arrives; "pauses only" waits as the paced
    /// one does and sends nothing (a control for what the pacing itself costs the load generator).
    /// </summary>
    private static async Task<(List<double> Latencies, long Errors, TimeSpan Elapsed, long BadRequests, long Bad4xx)> Drive(HttpClient client, string[] bodies,
        string[] badBodies, int connections, FirstClient first, TimeSpan duration)
    {
        long errors = 0, badRequests = 0, bad4xx = 0;
        long goodTicks = 0, goodCount = 0;   // the good requests' mean latency, for the paced bad client
        TimeSpan TypicalGood() => TimeSpan.FromTicks(Interlocked.Read(ref goodCount) is var n && n > 0 ? Interlocked.Read(ref goodTicks) / n : TimeSpan.TicksPerMillisecond);
        var perWorker = new List<double>[connections];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var role = worker == 0 ? first : FirstClient.Good;
            bool bad = role is FirstClient.PacedBad or FirstClient.FloodingBad;
            bool paced = role == FirstClient.PacedBad;
            var latencies = perWorker[worker] = new List<double>();
            int next = worker;
            while (clock.Elapsed < duration)
            {
                if (role == FirstClient.PausesOnly)
                {
                    await Task.Delay(TypicalGood());
                    continue;
                }
                long began = Stopwatch.GetTimestamp();
                using var content = new StringContent((bad ? badBodies : bodies)[next++ % bodies.Length], Encoding.UTF8, "application/json");
                try
                {
                    using var response = await client.PostAsync("/v1/models/twitter:predict", content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (bad)
                    {
                        Interlocked.Increment(ref badRequests);
                        if ((int)response.StatusCode is >= 400 and < 500) Interlocked.Increment(ref bad4xx);
                        var typical = TypicalGood();
                        var spent = Stopwatch.GetElapsedTime(began);
                        if (paced && spent < typical) await Task.Delay(typical - spent);
                        continue;
                    }
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref bad ? ref badRequests : ref errors);
                    if (bad) continue;
                }
                var took = Stopwatch.GetElapsedTime(began);
                latencies.Add(took.TotalMilliseconds);
                Interlocked.Add(ref goodTicks, took.Ticks);
                Interlocked.Increment(ref goodCount);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (perWorker.SelectMany(l => l).ToList(), errors, clock.Elapsed, badRequests, bad4xx);
    }

    private static async Task WaitUntilHealthy(HttpClient client, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.HasExited) throw new InvalidOperationException($"the server exited with code {server.ExitCode} before it answered /healthz");
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the server did not answer /healthz within 60 s");
    }

    /// <summary>`dotnet run` starts the server as a child process: the resident memory that counts is the child's.</summary>
    private static int ServerPid(Process launcher)
    {
        string children = Path.Combine("/proc", launcher.Id.ToString(), "task", launcher.Id.ToString(), "children");
        var child = File.Exists(children) ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        return child is null ? launcher.Id : int.Parse(child);
    }

    private static double ResidentMb(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:"))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];

    /// <summary>Rows per Predict call, from the server's batch-size histogram (sum / count).</summary>
    private static double RowsPerPredict(string metrics)
    {
        double Read(string name) => Regex.Matches(metrics, $@"^{name}\{{[^}}]*\}} ([0-9.eE+-]+)$", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        double count = Read("tffunctional_batch_size_count");
        return count == 0 ? double.NaN : Read("tffunctional_batch_size_sum") / count;
    }
}
