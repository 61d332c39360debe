using System.Globalization;
using TfFunctional.Cli;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Cli;

public class ModelToolTests
{
    private static readonly string Unsplit = Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/model.h5");
    private string _folder = "";

    [SetUp]
    public void Setup()
    {
        _folder = TemporaryFolder.Create("cli");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ModelTool.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public void SummaryPrintsTheKerasTable()
    {
        var (code, output, _) = Run("summary", Unsplit);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain(" dense (Dense)               (None, 3)                 33        "));
        Assert.That(output, Does.Contain("Total params: 33"));
    }

    [Test]
    public void SummaryExpandsNestedModelsWhenAsked()
    {
        Keras.ClearSession();
        var inner = new Sequential([new Dense(4, inputDim: 3, name: "inner_dense")]);
        var inputs = Keras.Input(shape: [3]);
        string path = Path.Combine(_folder, "nested.keras");
        new Model(inputs, new Dense(1).Call(inner.Call(inputs))).Save(path);
        var (plain, plainOutput, _) = Run("summary", path);
        var (expanded, expandedOutput, _) = Run("summary", path, "--expand-nested");
        Assert.That((plain, expanded), Is.EqualTo((0, 0)));
        Assert.That(plainOutput, Does.Not.Contain("inner_dense"));
        Assert.That(expandedOutput, Does.Contain("| inner_dense (Dense)        (None, 4)                 16       |"));
    }

    [Test]
    public void PredictWritesWhatKerasRecorded()
    {
        string input = Path.Combine(_folder, "ramp.csv");
        File.WriteAllText(input, string.Join(",", Enumerable.Range(0, 10).Select(i => (-1 + 2.0 * i / 9).ToString("R", CultureInfo.InvariantCulture))));
        string output = Path.Combine(_folder, "out.npy");
        var (code, _, error) = Run("predict", Unsplit, "--input", input, "--output", output);
        Assert.That(code, Is.EqualTo(0), error);
        using var predictions = NumPy.Load(output);
        Assert.That(predictions.Shape, Is.EqualTo(new Shape(1, 3)));
        Fixtures.AssertClose(predictions.ToArray<float>(), Fixtures.LwtnnExpected(Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/outputs.json"), "dense_0:"), "cli predict");
    }

    [Test]
    public void ConvertRoundTripsBetweenFormats()
    {
        string keras = Path.Combine(_folder, "model.keras");
        string back = Path.Combine(_folder, "again.h5");
        Assert.That(Run("convert", Unsplit, keras).Code, Is.EqualTo(0));
        Assert.That(Run("convert", keras, back).Code, Is.EqualTo(0));
        var x = Fixtures.RampVector(10);
        using var original = Keras.LoadModel(Unsplit).Predict(x);
        using var converted = Keras.LoadModel(back).Predict(x);
        Assert.That(converted.ToArray<float>(), Is.EqualTo(original.ToArray<float>()));
        string dot = Path.Combine(_folder, "model.dot");
        Assert.That(Run("plot", keras, "-o", dot).Code, Is.EqualTo(0));
        Assert.That(File.ReadAllText(dot), Does.Contain("dense (Dense)"));
    }

    [Test]
    public void ConvertExportsToOnnxAndBenchRunsEitherEngine()
    {
        string onnx = Path.Combine(_folder, "model.onnx");
        var (code, _, error) = Run("convert", Unsplit, onnx);
        Assert.That(code, Is.EqualTo(0), error);
        var x = Fixtures.RampVector(10);
        using var original = Keras.LoadModel(Unsplit).Predict(x);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        using var input = Tensor.From(x);
        var model = Keras.LoadModel(Unsplit);
        var exported = Export.OnnxExportTests.Run(session, model, [input])[0];
        Export.OnnxExportTests.AssertClose(exported, original.ToArray<float>(), "the converted .onnx file");
        var bench = Run("bench", Unsplit, "--engine", "onnxruntime", "-n", "5");
        Assert.That(bench.Code, Is.EqualTo(0), bench.Error);
        Assert.That(bench.Output, Does.StartWith("OnnxRuntime, batch 1: median"));
    }

    [Test]
    public void FailuresGiveMessagesAndExitCodes()
    {
        var missing = Run("summary", Path.Combine(_folder, "nope.h5"));
        Assert.That(missing.Code, Is.EqualTo(ModelTool.MissingFile));
        Assert.That(missing.Error, Does.Contain("No such file"));

        string garbage = Path.Combine(_folder, "garbage.h5");
        File.WriteAllText(garbage, "not a model");
        var unreadable = Run("summary", garbage);
        Assert.That(unreadable.Code, Is.EqualTo(ModelTool.UnreadableFile));
        Assert.That(unreadable.Error, Does.Contain("garbage.h5 is not a readable HDF5 file"));

        string wrong = Path.Combine(_folder, "wrong.json");
        File.WriteAllText(wrong, "[[1, 2, 3]]");
        var shape = Run("predict", Unsplit, "--input", wrong);
        Assert.That(shape.Code, Is.EqualTo(ModelTool.BadData));
        Assert.That(shape.Error, Does.Contain("expected shape=(None, 10), found shape=(1, 3)"));
    }

    /// <summary>A data file that is not data is exit code 4 (not "unreadable model") with one line naming the file and the place.</summary>
    [TestCase("bad.json", "[[1, 2,", "bad.json, line 1, position 7: not valid JSON.")]
    [TestCase("ragged.json", "[[1, 2], [3]]", "ragged.json: the JSON arrays are ragged: [1] holds 1 entries, where 2 was expected.")]
    [TestCase("words.json", "[[1, \"x\"]]", "words.json: expected a number at [0][1], found \"x\".")]
    [TestCase("bad.csv", "1,2\n3,four", "bad.csv, line 2, column 2: 'four' is not a number.")]
    [TestCase("short.csv", "1,2\n3", "short.csv, line 2: 1 values, but the first row holds 2")]
    [TestCase("bad.npy", "\u0093NUMPY junk", "bad.npy")]
    public void MalformedDataFilesAreExitFourWithTheirPlace(string name, string content, string words)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        var result = Run("predict", Unsplit, "--input", path);
        Assert.That(result.Code, Is.EqualTo(ModelTool.BadData), result.Error);
        Assert.That(result.Error.Trim(), Does.StartWith("error: ").And.Contain(words));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
    }

    /// <summary>predict -o .npz writes every output under its name; .npy with several outputs says to use .npz.</summary>
    [Test]
    public void PredictWritesEveryOutputOfAModelWithSeveral()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3], name: "x");
        var model = new Model(input, [new Dense(2, name: "first", kernelInitializer: "ones").Call(input), new Dense(1, name: "second", kernelInitializer: "ones").Call(input)]);
        string file = Path.Combine(_folder, "two.keras");
        model.Save(file);
        string data = Path.Combine(_folder, "x.json");
        File.WriteAllText(data, "[[1, 2, 3]]");
        string archive = Path.Combine(_folder, "out.npz");
        var written = Run("predict", file, "--input", data, "-o", archive);
        Assert.That(written.Code, Is.EqualTo(0), written.Error);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(archive))
        {
            Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(new[] { "first.npy", "second.npy" }));
            using var first = NumPy.Load(zip.GetEntry("first.npy")!.Open(), "first.npy");
            Assert.That(first.ToArray<float>(), Is.EqualTo(new[] { 6f, 6f }));
            using var second = NumPy.Load(zip.GetEntry("second.npy")!.Open(), "second.npy");
            Assert.That(second.ToArray<float>(), Is.EqualTo(new[] { 6f }));
        }
        var single = Run("predict", file, "--input", data, "-o", Path.Combine(_folder, "out.npy"));
        Assert.That(single.Code, Is.EqualTo(ModelTool.Failure));
        Assert.That(single.Error, Does.Contain("The model has 2 outputs (first, second): write them all with -o"));
        Assert.That(File.Exists(Path.Combine(_folder, "out.npy")), Is.False);
    }
}
