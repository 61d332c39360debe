namespace TfFunctional.Tests.Cli;

/// <summary>The benchmark and load-test tools behave like command-line tools: --help exits 0, a mistake prints one line and the usage and exits 2.</summary>
public class ToolCommandLineTests
{
    private static string Tool(string folder, string assembly)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // bin/<configuration>/net10.0
        string path = Path.Combine(TfFunctional.Tests.Runtime.ConsumerProjectTests.RepositoryRoot(), "tools", folder, "bin", configuration, "net10.0", assembly);
        Assert.That(File.Exists(path), Is.True, $"{path} is built with the solution");
        return path;
    }

    [TestCase("Benchmarks", "TfFunctional.Benchmarks.dll", "--help", 0, "usage: dotnet run --project tools/Benchmarks")]
    [TestCase("Benchmarks", "TfFunctional.Benchmarks.dll", "--bogus", 2, "error: unknown option --bogus")]
    [TestCase("Benchmarks", "TfFunctional.Benchmarks.dll", "nope", 2, "error: unknown workload nope")]
    [TestCase("LoadTest", "TfFunctional.LoadTest.dll", "--help", 0, "usage: dotnet run --project tools/LoadTest")]
    [TestCase("LoadTest", "TfFunctional.LoadTest.dll", "--seconds many", 2, "error: --seconds takes a positive whole number")]
    [TestCase("LoadTest", "TfFunctional.LoadTest.dll", "--bogus", 2, "error: unknown option --bogus")]
    public void HelpAndMistakes(string folder, string assembly, string arguments, int code, string words)
    {
        var run = TfFunctional.Tests.Runtime.ConsumerProjectTests.Run("dotnet", $"\"{Tool(folder, assembly)}\" {arguments}", Path.GetTempPath());
        Assert.That(run.ExitCode, Is.EqualTo(code), run.Output);
        Assert.That(run.Output, Does.Contain(words));
        Assert.That(run.Output, Does.Not.Contain("   at "), "never a stack trace");
    }
}
