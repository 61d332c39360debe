using System.Xml.Linq;

namespace TfFunctional.Tests.Runtime;

/// <summary>
/// The packages as a user consumes them: the repository's libraries packed into a local folder feed, a console app in
/// a temporary folder outside the repository that adds <c>TfFunctional</c> by name from that feed as its one package reference,
/// builds, trains a step, saves, loads and predicts.
/// </summary>
[NonParallelizable]
[Category("Package")]
public class PackageConsumptionTests
{
    private const string Program = """
        using TfFunctional;
        using TfFunctional.Layers;

        Keras.Utils.SetRandomSeed(7);
        var inputs = Keras.Input(shape: [4]);
        var hidden = new Dense(8, activation: "relu", kernelInitializer: "ones").Call(inputs);
        var model = new Model(inputs, new Dense(1, activation: "sigmoid", kernelInitializer: "ones").Call(hidden));
        model.Compile(optimizer: new TfFunctional.Optimizers.SGD(learningRate: 0.1), loss: "binary_crossentropy");
        var x = new float[,] { { 0.1f, 0.2f, 0.3f, 0.4f }, { -0.4f, -0.3f, -0.2f, -0.1f } };
        var y = new float[,] { { 1 }, { 0 } };
        double loss = model.TrainOnBatch(x, y)["loss"];
        model.Save("consumer.keras");
        var loaded = Keras.LoadModel("consumer.keras");
        using var before = model.Predict(x);
        using var after = loaded.Predict(x);
        Console.WriteLine($"LOSS {loss:F6}");
        Console.WriteLine("PREDICT " + string.Join(",", after.ToArray<float>().Select(v => v.ToString("F6"))));
        Console.WriteLine("SAME " + before.ToArray<float>().SequenceEqual(after.ToArray<float>()));
        Console.WriteLine("LOAD " + TfFunctional.Bindings.Native.NativeRuntime.LoadReport);
        """;

    private string _folder = "";
    private string _feed = "";
    private string _version = "";

    /// <summary>Packs the solution once into a folder feed, under a version of its own (the global package cache can
    /// then never hand back an older build of the same number).</summary>
    [OneTimeSetUp]
    public void PackIntoAFolderFeed()
    {
        string repository = ConsumerProjectTests.RepositoryRoot();
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // bin/<configuration>/net10.0
        _folder = TemporaryFolder.Create("package");
        _feed = Path.Combine(_folder, "feed");
        _version = $"0.1.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var packed = ConsumerProjectTests.Run("dotnet",
            $"pack {Quote(Path.Combine(repository, "TfFunctional.sln"))} --no-build -c {configuration} -o {Quote(_feed)} -p:Version={_version}", repository);
        Assert.That(packed.ExitCode, Is.EqualTo(0), packed.Output);
    }

    [OneTimeTearDown]
    public void RemoveTheFeedAndTheCachedPrereleases()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packagesFolder
            ? packagesFolder : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in new[] { "tffunctional", "tffunctional.bindings", "tffunctional.serving" })
        {
            string cached = Path.Combine(cache, id, _version);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
    }

    [Test]
    public void PackingTheSolutionEmitsTheLibrariesWithTheirMetadata()
    {
        var packages = Directory.GetFiles(_feed, "*.nupkg").Select(Path.GetFileName).Order().ToArray();
        Assert.That(packages, Is.EqualTo(new[] { $"TfFunctional.{_version}.nupkg", $"TfFunctional.Bindings.{_version}.nupkg", $"TfFunctional.Serving.{_version}.nupkg" }),
            "dotnet pack at the root emits the library packages only");
        AssertMetadata(Path.Combine(_feed, $"TfFunctional.{_version}.nupkg"), "TfFunctional", "TfFunctional.Bindings");
        AssertMetadata(Path.Combine(_feed, $"TfFunctional.Bindings.{_version}.nupkg"), "TfFunctional.Bindings",
            "TorchSharp", "libtorch-cpu-linux-x64", "libtorch-cpu-win-x64", "libtorch-cpu-osx-arm64");
        AssertMetadata(Path.Combine(_feed, $"TfFunctional.Serving.{_version}.nupkg"), "TfFunctional.Serving", "TfFunctional");
    }

    [Test]
    public void AnAppAddsThePackageByNameBuildsTrainsSavesLoadsAndPredicts()
    {
        string app = NewApp("app");
        var added = ConsumerProjectTests.Run("dotnet", $"add package TfFunctional --version {_version}", app);
        Assert.That(added.ExitCode, Is.EqualTo(0), added.Output);
        var built = ConsumerProjectTests.Run("dotnet", "build -c Release", app);
        Assert.That(built.ExitCode, Is.EqualTo(0), built.Output);
        string output = Path.Combine(app, "bin", "Release", "net10.0");
        var ran = ConsumerProjectTests.Run("dotnet", Quote(Path.Combine(output, "Consumer.dll")), app);
        Assert.That(ran.ExitCode, Is.EqualTo(0), ran.Output);

        // By hand: both kernels are ones, so hidden = relu(sum(x)) in all 8 units, out = sigmoid(8·relu(sum x)).
        // Row 1: sum 1.0 → sigmoid(8); row 2: sum −1.0 → relu 0 → sigmoid(0) = 0.5. One SGD step moves the weights,
        // so the saved model's predictions must be those of the trained weights, not of the ones.
        double lossBefore = -(Math.Log(1 / (1 + Math.Exp(-8))) + Math.Log(0.5)) / 2;
        double reported = double.Parse(Line(ran.Output, "LOSS "), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(reported, Is.EqualTo(lossBefore).Within(1e-5), "TrainOnBatch reports the loss before the step");
        var predictions = Line(ran.Output, "PREDICT ").Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That(predictions, Has.Length.EqualTo(2));
        Assert.That(predictions[0], Is.Not.EqualTo(1 / (1 + Math.Exp(-8))).Within(1e-7), "the step changed the model that was saved");
        Assert.That(predictions[1], Is.LessThan(0.5), "the step lowers the prediction for the label-0 row");
        Assert.That(Line(ran.Output, "SAME "), Is.EqualTo("True"), "the loaded model predicts what the saved one did");
        // The package's buildTransitive targets patched the app's copy at build time, so it loads as it is.
        if (OperatingSystem.IsLinux()) Assert.That(Line(ran.Output, "LOAD "), Does.Contain("loaded as shipped").And.Not.Contain("patched copy"));
        TestContext.Out.WriteLine("native runtime: " + Line(ran.Output, "LOAD "));

        long bytes = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        TestContext.Out.WriteLine($"consumer output folder: {bytes / 1048576.0:F0} MB; " +
            string.Join(", ", Directory.GetDirectories(Path.Combine(output, "runtimes")).Select(d =>
                $"{Path.GetFileName(d)} {Directory.GetFiles(d, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0:F0} MB")));
    }

    /// <summary>
    /// The first half of NativeRuntime.md's CUDA switch, which is all that can run here (no CUDA package is served):
    /// the project-file lines that exclude the CPU runtimes leave no libtorch in the output.
    /// </summary>
    [Test]
    public void TheDocumentedLinesExcludeTheCpuRuntime()
    {
        string app = NewApp("cuda-switch", $"""
              <ItemGroup>
                <PackageReference Include="TfFunctional" Version="{_version}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" ExcludeAssets="all" />
                <PackageReference Include="libtorch-cpu-win-x64" Version="2.10.0" ExcludeAssets="all" />
                <PackageReference Include="libtorch-cpu-osx-arm64" Version="2.10.0" ExcludeAssets="all" />
              </ItemGroup>
            """);
        var built = ConsumerProjectTests.Run("dotnet", "build -c Release", app);
        Assert.That(built.ExitCode, Is.EqualTo(0), built.Output);
        string output = Path.Combine(app, "bin", "Release", "net10.0");
        Assert.That(File.Exists(Path.Combine(output, "TfFunctional.dll")));
        Assert.That(Directory.GetFiles(output, "*torch_cpu*", SearchOption.AllDirectories), Is.Empty);
    }

    /// <summary>A console app in its own folder whose nuget.config adds the feed to the machine's package sources.</summary>
    private string NewApp(string name, string items = "")
    {
        string app = Path.Combine(_folder, name);
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tffunctional-local" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), ConsumerProjectTests.ConsoleProject(items));
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        return app;
    }

    /// <summary>A package's nuspec: real metadata, XML docs, symbols and the dependencies it must bring.</summary>
    private static void AssertMetadata(string package, string id, params string[] dependencies)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(package);
        using var stream = archive.GetEntry(id + ".nuspec")!.Open();
        var nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.That(metadata.Element(ns + "id")!.Value, Is.EqualTo(id));
        Assert.That(metadata.Element(ns + "license")!.Value, Is.EqualTo("MIT"));
        Assert.That(metadata.Element(ns + "readme")!.Value, Is.EqualTo("README.md"));
        Assert.That(metadata.Element(ns + "description")!.Value, Has.Length.GreaterThan(40));
        Assert.That(metadata.Element(ns + "tags")!.Value, Does.Contain("keras"));
        Assert.That(archive.GetEntry("README.md"), Is.Not.Null, $"{id}: README");
        Assert.That(archive.GetEntry($"lib/net10.0/{id}.xml"), Is.Not.Null, $"{id}: XML docs");
        Assert.That(metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value), Is.SupersetOf(dependencies), $"{id}: dependencies");
        Assert.That(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{id}: symbols");
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
        ?? throw new AssertionException($"no line starting with '{prefix}' in:\n{output}");

    private static string Quote(string path) => $"\"{path}\"";
}
