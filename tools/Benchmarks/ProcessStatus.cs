using System.Runtime.InteropServices;

namespace TfFunctional.Benchmarks;

/// <summary>This process's memory as Linux reports it (<c>/proc/self/status</c>), for the peak-memory benchmarks.</summary>
internal static class ProcessStatus
{
    /// <summary>A <c>/proc/self/status</c> entry (VmRSS, VmHWM) in MiB.</summary>
    public static double Mb(string key) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;

    /// <summary>Resets the peak (VmHWM) to the current resident memory.</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>
    /// Returns what is free to the system, so that resident memory is what is live: a compacting collection of every
    /// generation (the large-object heap holds on to freed arrays otherwise), then glibc's free lists.
    /// </summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        MallocTrim(0);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
