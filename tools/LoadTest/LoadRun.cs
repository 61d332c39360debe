using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TfFunctional.LoadTest;

/// <summary>One timed run against a freshly started server process.</summary>
internal sealed record LoadRun(double Throughput, double P50, double P99, long Errors, double MeanBatch, IReadOnlyList<double> RssMb)
{
    public static async Task<LoadRun> Measure(string serverProject, string modelPath, string engine, bool batching, int maxBatch, int connections, TimeSpan duration, int port)
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
            // Warm-up, then the resident memory the run starts from.
            await Drive(client, bodies, connections, TimeSpan.FromSeconds(3));
            int pid = ServerPid(server);
            var rss = new List<double> { ResidentMb(pid) };
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                var tick = TimeSpan.FromSeconds(Math.Max(1, duration.TotalSeconds / 6));
                while (!sampling.IsCancellationRequested)
                {
                    await Task.Delay(tick).ContinueWith(_ => { });
                    if (!sampling.IsCancellationRequested) lock (rss) rss.Add(ResidentMb(pid));
                }
            });
            var (latencies, errors, elapsed) = await Drive(client, bodies, connections, duration);
            sampling.Cancel();
            await sampler;
            rss.Add(ResidentMb(pid));
            string metrics = await client.GetStringAsync("/metrics");
            latencies.Sort();
            return new LoadRun(latencies.Count / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), errors,
                RowsPerPredict(metrics), rss);
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

    private static async Task<(List<double> Latencies, long Errors, TimeSpan Elapsed)> Drive(HttpClient client, string[] bodies, int connections, TimeSpan duration)
    {
        long errors = 0;
        var perWorker = new List<double>[connections];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var latencies = perWorker[worker] = new List<double>();
            int next = worker;
            while (clock.Elapsed < duration)
            {
                long began = Stopwatch.GetTimestamp();
                using var content = new StringContent(bodies[next++ % bodies.Length], Encoding.UTF8, "application/json");
                try
                {
                    using var response = await client.PostAsync("/v1/models/twitter:predict", content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (perWorker.SelectMany(l => l).ToList(), errors, clock.Elapsed);
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
