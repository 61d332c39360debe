using System.Diagnostics;

namespace TfFunctional.Server;

/// <summary>
/// Loads a candidate model file in a child process (this program with <c>--check-model</c>) before the server loads
/// it: a file that exhausts the stack or memory, or crashes native code, takes down the child, never the server. The
/// child is bounded in time; its exit code and last line say whether and why the file does not load.
/// </summary>
internal static class CandidateCheck
{
    public const string Flag = "--check-model";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Null when <paramref name="path"/> loads in a child process, else why not.</summary>
    public static string? InChildProcess(string path)
    {
        using var process = Process.Start(Tools.SelfProcess.StartInfo(typeof(CandidateCheck).Assembly, [Flag, path], redirectErrors: true))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            return $"{Path.GetFileName(path)}: loading it took longer than {Limit.TotalMinutes:F0} minutes in a check process; not loaded.";
        }
        if (process.ExitCode == 0) return null;
        string said = (output.Result + errors.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return said.StartsWith("error: ", StringComparison.Ordinal)
            ? said["error: ".Length..]
            : $"{Path.GetFileName(path)}: the check process that loaded it ended with exit code {process.ExitCode} ({(said.Length > 0 ? said : "no message")}); not loaded.";
    }

    /// <summary>The child's side: load the file, report, exit.</summary>
    public static int Run(string path)
    {
        try
        {
            Keras.LoadModel(path).Dispose();
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
