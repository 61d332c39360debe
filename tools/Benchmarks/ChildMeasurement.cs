using System.Diagnostics;
using System.Globalization;

namespace TfFunctional.Benchmarks;

/// <summary>
/// A measurement that needs a fresh process (a peak of resident memory): this program runs again as a child with
/// <c>workload --child</c>, the case named in an environment variable, and reports its figures on one line.
/// </summary>
internal static class ChildMeasurement
{
    private const string Marker = "result ";

    /// <summary>Runs <paramref name="workload"/> in a child with <paramref name="variable"/> = <paramref name="value"/> and returns the figures it reported.</summary>
    public static double[] Run(string workload, string variable, string value, bool quick)
    {
        var start = Tools.SelfProcess.StartInfo(typeof(ChildMeasurement).Assembly, [workload, "--child", .. quick ? new[] { "--quick" } : []]);
        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        string result = process.StandardOutput.ReadToEnd().Split('\n').Last(l => l.StartsWith(Marker, StringComparison.Ordinal));
        process.WaitForExit();
        return result[Marker.Length..].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Reports the child's figures (in the child).</summary>
    public static void Report(params double[] figures) =>
        Console.WriteLine(Marker + string.Join(' ', figures.Select(f => f.ToString("F1", CultureInfo.InvariantCulture))));
}
