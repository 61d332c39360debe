using System.Text.Json.Nodes;

namespace TfFunctional.Tests;

/// <summary>Paths into ../shared/fixtures and the lwtnn test inputs (a deterministic ramp, see SOURCES.md).</summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static string Keras(string relative) => Path.Combine(Root, "keras", relative);

    public static string Wild(string relative) => Path.Combine(Root, "keras-wild", relative);

    /// <summary>A reference committed in this repository under Tests/References (written by tools/references).</summary>
    public static string Reference(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "Tests", "References", relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Tests/References/{relative} not found above {AppContext.BaseDirectory}.");
    }

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("TFFUNCTIONAL_FIXTURES") is { Length: > 0 } configured) return configured;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            string candidate = Path.Combine(directory.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(directory.FullName, "..", "shared", "fixtures");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
            directory = directory.Parent;
        }
        if (Directory.Exists("/work/shared/fixtures")) return "/work/shared/fixtures";
        throw new DirectoryNotFoundException(
            "../shared/fixtures not found above " + AppContext.BaseDirectory + "; set TFFUNCTIONAL_FIXTURES to its path.");
    }

    /// <summary>lwtnn's vector input: <c>linspace(-1, 1, n)</c>, batch 1.</summary>
    public static float[,] RampVector(int n)
    {
        var x = new float[1, n];
        for (int i = 0; i < n; i++) x[0, i] = (float)Linspace(i, n);
        return x;
    }

    /// <summary>lwtnn's sequence input: 20 steps of <c>linspace(-1, 1, 20)[t] · linspace(-1, 1, n)[i]</c>.</summary>
    public static float[,,] RampSequence(int n, int steps = 20)
    {
        var x = new float[1, steps, n];
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < n; i++) x[0, t, i] = (float)(Linspace(t, steps) * Linspace(i, n));
        return x;
    }

    private static double Linspace(int i, int n) => n == 1 ? -1 : -1 + 2.0 * i / (n - 1);

    /// <summary>The expected values of one output node of an lwtnn "-out.json"/targets file, in key order.</summary>
    public static double[] LwtnnExpected(string file, string node)
    {
        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        var outputs = json[node]!.AsObject();
        return outputs.SelectMany(p => p.Value is JsonArray array ? array.Select(v => v!.GetValue<double>()) : [p.Value!.GetValue<double>()]).ToArray();
    }

    /// <summary>The expected values of an lwtnn targets file ordered by the output labels of its inputs.json.</summary>
    public static double[] LwtnnExpectedByLabels(string targets, string inputs, string node)
    {
        var expected = JsonNode.Parse(File.ReadAllText(targets))!.AsObject()[node]!.AsObject();
        var labels = JsonNode.Parse(File.ReadAllText(inputs))!["outputs"]!.AsArray()
            .First(o => o!["name"]!.GetValue<string>() + ":" == node)!["labels"]!.AsArray().Select(l => l!.GetValue<string>());
        return labels.Select(l => expected[l] is JsonArray a ? a[0]!.GetValue<double>() : expected[l]!.GetValue<double>()).ToArray();
    }

    /// <summary>Asserts |actual − expected| ≤ 1e-5 + 1e-4·|expected| element-wise, returning the largest error.</summary>
    public static double AssertClose(float[] actual, double[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            worst = Math.Max(worst, error);
            Assert.That(error, Is.LessThanOrEqualTo(1e-5 + 1e-4 * Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
        }
        TestContext.Out.WriteLine($"{what}: max abs error {worst:E2}");
        return worst;
    }
}
