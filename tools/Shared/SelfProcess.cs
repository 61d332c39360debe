using System.Diagnostics;

namespace TfFunctional.Tools;

/// <summary>Starting this program again as a child process (a check or a measurement that must run in a fresh process).</summary>
internal static class SelfProcess
{
    /// <summary>
    /// The program <paramref name="program"/> (the tool's own assembly: a test host may be the entry assembly) with
    /// <paramref name="arguments"/>, its output redirected: under the dotnet host (<c>dotnet Tool.dll</c>) the child
    /// needs the assembly path first; an apphost does not.
    /// </summary>
    public static ProcessStartInfo StartInfo(System.Reflection.Assembly program, IEnumerable<string> arguments, bool redirectErrors = false)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = redirectErrors };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(program.Location);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }
}
