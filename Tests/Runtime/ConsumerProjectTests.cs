using System.Diagnostics;

namespace TfFunctional.Tests.Runtime;

/// <summary>
/// A user's own application, outside this repository (so none of our MSBuild targets apply), references TfFunctional
/// as a project, builds, runs and computes; then the same from its `dotnet publish` output.
/// </summary>
[NonParallelizable]
[Category("Package")]
public class ConsumerProjectTests
{
    private const string Program = """
        using TfFunctional;
        using TfFunctional.Layers;

        var input = Keras.Input(shape: [3]);
        var dense = new Dense(2, kernelInitializer: "ones");
        var model = new Model(input, dense.Call(input));
        using var y = model.Predict(new float[,] { { 1, 2, 3 } });
        Console.WriteLine("RESULT " + string.Join(",", y.ToArray<float>()));
        Console.WriteLine("LOAD " + TfFunctional.Bindings.Native.NativeRuntime.LoadReport);
        """;

    [Test]
    public void AnOutsideApplicationLoadsTheRuntimeWhenBuiltAndWhenPublished()
    {
        string repository = RepositoryRoot();
        string folder = TemporaryFolder.Create("consumer");
        try
        {
            File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), ConsoleProject($"""
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(repository, "Models", "TfFunctional.csproj")}" />
                  </ItemGroup>
                """));
            File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);

            var built = Run("dotnet", $"build -c Release -o {Quote(Path.Combine(folder, "out"))}", folder);
            Assert.That(built.ExitCode, Is.EqualTo(0), built.Output);
            // The build output holds TorchSharp's unpatched shim: the library fixes it at load time.
            string shim = Directory.GetFiles(Path.Combine(folder, "out"), "libLibTorchSharp.so", SearchOption.AllDirectories).First();
            Assert.That(TfFunctional.Bindings.Native.ElfVersionPatcher.Patch(File.ReadAllBytes(shim)),
                Is.EqualTo(TfFunctional.Bindings.Native.ElfPatchOutcome.Patched), "the consumer's copy should be the shipped, unpatched one");
            var ran = Run("dotnet", Quote(Path.Combine(folder, "out", "Consumer.dll")), folder);
            Assert.That(ran.ExitCode, Is.EqualTo(0), ran.Output);
            Assert.That(ran.Output, Does.Contain("RESULT 6,6"));
            Assert.That(ran.Output, Does.Contain("patched copy loaded"));
            Assert.That(Directory.Exists(Path.Combine(folder, "out", "cpu")), Is.False, "TorchSharp's 500 MB fallback copy must not be made");

            var published = Run("dotnet", $"publish -c Release -o {Quote(Path.Combine(folder, "pub"))}", folder);
            Assert.That(published.ExitCode, Is.EqualTo(0), published.Output);
            var ranPublished = Run("dotnet", Quote(Path.Combine(folder, "pub", "Consumer.dll")), folder);
            Assert.That(ranPublished.ExitCode, Is.EqualTo(0), ranPublished.Output);
            Assert.That(ranPublished.Output, Does.Contain("RESULT 6,6"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A user's console app project file, with <paramref name="items"/> (its references) inside.</summary>
    internal static string ConsoleProject(string items) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
        {items}
        </Project>
        """;

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TfFunctional.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("TfFunctional.sln not found above " + AppContext.BaseDirectory);
    }

    internal static (int ExitCode, string Output) Run(string file, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string Quote(string path) => $"\"{path}\"";
}
