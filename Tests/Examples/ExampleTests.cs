using TfFunctional.Examples;

namespace TfFunctional.Tests.Examples;

/// <summary>Each example of Examples/ in its quick form: it builds with the guide's parameter count, trains, saves and reloads.</summary>
[NonParallelizable]
public class ExampleTests
{
    private string _folder = "";

    [SetUp]
    public void Setup()
    {
        Keras.ClearSession();
        _folder = TemporaryFolder.Create("examples");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<TestCaseData> Examples() =>
        ExampleCatalog.All.Select(e => new TestCaseData(e.Name).SetName($"Example_{e.Name}"));

    [TestCaseSource(nameof(Examples))]
    public void RunsQuickly(string name)
    {
        var example = ExampleCatalog.All.Single(e => e.Name == name);
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        int code;
        try
        {
            var options = ExampleOptions.Parse(["--quick", "--out", _folder]);
            Keras.Utils.SetRandomSeed(options.Seed);   // as the Examples program does: no run passes or fails by chance
            code = example.Run(options);
        }
        finally
        {
            Console.SetOut(console);
        }
        TestContext.Out.WriteLine(output.ToString());
        Assert.That(code, Is.EqualTo(0), output.ToString());
        Assert.That(output.ToString(), Does.Not.Contain("[FAILED]"));
        Assert.That(output.ToString(), Does.Not.Contain("ONNX: not exported"), "every example exports to ONNX and ONNX Runtime predicts its numbers");
    }
}
