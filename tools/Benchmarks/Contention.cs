using System.Diagnostics;

namespace TfFunctional.Benchmarks;

/// <summary>A second process that keeps one core busy, as another tenant of a shared machine does.</summary>
internal static class Contention
{
    public static IDisposable BusyCore()
    {
        var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!;
        Thread.Sleep(200);
        return new Spinner(process);
    }

    private sealed class Spinner(Process process) : IDisposable
    {
        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }
}
