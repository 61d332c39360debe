using System.Diagnostics;

namespace TfFunctional.Tests;

/// <summary>The test process's memory, for the tests that check native memory stays flat.</summary>
internal static class ProcessMemory
{
    /// <summary>The resident set (working set) in bytes, read fresh.</summary>
    public static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
