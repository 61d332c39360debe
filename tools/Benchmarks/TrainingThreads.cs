using System.Diagnostics;
using TorchSharp;

namespace TfFunctional.Benchmarks;

/// <summary>
/// Training on a shared machine: the Twitter and VQA training steps and Twitter's <c>Fit</c> throughput, ours against
/// the hand-written TorchSharp loop, at 1 and 2 intra-op threads, on an idle machine and with a second process busy on
/// one core, under each OpenMP wait policy. libgomp reads <c>OMP_WAIT_POLICY</c> once, when libtorch loads, so each
/// policy runs in a child process of this program.
/// </summary>
internal static class TrainingThreads
{
    private static readonly string?[] Policies = [null, "PASSIVE", "ACTIVE"];

    public static void Run(bool quick, bool child)
    {
        if (child)
        {
            Measure(quick);
            return;
        }
        Console.WriteLine();
        Console.WriteLine("| OMP_WAIT_POLICY | load | threads | workload | batch | TfFunctional median ms | hand-written median ms | ratio |");
        Console.WriteLine("|---|---|---:|---|---:|---:|---:|---:|");
        foreach (string? policy in Policies)
        {
            var start = Tools.SelfProcess.StartInfo(typeof(TrainingThreads).Assembly,
                [.. Environment.GetCommandLineArgs().Skip(1).Where(a => a is not "trainthreads"), "trainthreads", "--child"]);
            start.Environment.Remove("OMP_WAIT_POLICY");
            if (policy is not null) start.Environment["OMP_WAIT_POLICY"] = policy;
            using var process = Process.Start(start)!;
            while (process.StandardOutput.ReadLine() is { } line)
                if (line.StartsWith("| ", StringComparison.Ordinal)) Console.WriteLine($"| {policy ?? "unset (libgomp default)"} {line}");
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"the child for OMP_WAIT_POLICY={policy} exited with {process.ExitCode}");
        }
    }

    private static void Measure(bool quick)
    {
        int saved = torch.get_num_threads();
        foreach (bool contended in new[] { false, true })
        {
            using var busy = contended ? Contention.BusyCore() : null;
            foreach (int threads in new[] { 1, 2 })
            {
                torch.set_num_threads(threads);
                void Report(string name, int batch, Timing.Result ours, Timing.Result theirs) =>
                    Console.WriteLine($"| {(contended ? "one core busy" : "idle")} | {threads} | {name} | {batch} | {ours.MedianMs:F2} | {theirs.MedianMs:F2} | {ours.MedianMs / theirs.MedianMs:F3} |");
                Workloads.TwitterTraining(quick, fit: false, Report);
                Workloads.TwitterTraining(quick, fit: true, Report);
                Workloads.VqaTraining(quick, Report, [false]);
            }
        }
        torch.set_num_threads(saved);
    }
}
