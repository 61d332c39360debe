using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>One dispatch point: a file's bytes decide its format, whatever its name; the name decides only what is written.</summary>
public class FormatDispatchTests
{
    private string _folder = "";

    [SetUp]
    public void Setup()
    {
        _folder = TemporaryFolder.Create("dispatch");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private static Model Small()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3], name: "x");
        return new Model(input, new Dense(2, activation: "tanh", name: "d").Call(input));
    }

    private static readonly float[,] X = { { 1, -2, 0.5f } };

    [TestCase("m.keras", "renamed.h5")]
    [TestCase("m.h5", "renamed.keras")]
    [TestCase("model.json", "renamed.txt")]
    [TestCase("m.keras", "no_extension")]
    public void TheContentDecidesTheFormat(string saved, string renamed)
    {
        using var model = Small();
        using var expected = model.Predict(X);
        string path = Path.Combine(_folder, saved);
        model.Save(path);
        string other = Path.Combine(_folder, renamed);
        File.Move(path, other);
        using var loaded = Keras.LoadModel(other);
        using var actual = loaded.Predict(X);
        Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()));

        using var target = Small();
        target.LoadWeights(other);
        Assert.That(target.GetWeights()[0], Is.EqualTo(model.GetWeights()[0]), "LoadWeights reads the same file");
    }

    [Test]
    public void AFileNoFormatRecognisesIsNamedAsSuch()
    {
        string path = Path.Combine(_folder, "weights.bin");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(path));
        Assert.That(error!.Message, Is.EqualTo("weights.bin is not a model file: it is neither a .keras archive, an HDF5 file nor a TF.js model.json."));
        string named = Path.Combine(_folder, "broken.keras");
        File.WriteAllBytes(named, [1, 2, 3, 4, 5]);
        Assert.That(Assert.Throws<KerasFormatException>(() => Keras.LoadModel(named))!.Message, Does.Contain("broken.keras is not a .keras file: it is not a zip archive"),
            "unrecognised bytes under a format's name: that format's reader names the fault");
    }

    [Test]
    public void AWeightsFileIsNotAModel()
    {
        using var model = Small();
        string path = Path.Combine(_folder, "w.weights.h5");
        model.SaveWeights(path);
        Assert.That(Assert.Throws<KerasFormatException>(() => Keras.LoadModel(path))!.Message,
            Does.StartWith("w.weights.h5 is a .weights.h5 weights file and holds no architecture"));
        using var target = Small();
        target.LoadWeights(path);
        Assert.That(target.GetWeights()[1], Is.EqualTo(model.GetWeights()[1]));
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    [TestCase("model.json")]
    public void MaxWeightBytesRefusesABiggerModelBeforeItsWeightsExist(string file)
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [100]);
        using var model = new Model(input, new Dense(100, name: "wide").Call(input));   // 40,400 bytes of weights
        string path = Path.Combine(_folder, file);
        model.Save(path);
        var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(path, maxWeightBytes: 10_000));
        Assert.That(error!.Message, Does.StartWith(file).And.Contain("more than the 9.8 KiB allowed (maxWeightBytes: 10000)"));
        using var loaded = Keras.LoadModel(path, maxWeightBytes: 100_000);
        Assert.That(loaded.CountParams(), Is.EqualTo(10_100));
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.LoadModel(path, maxWeightBytes: 0));
    }

    /// <summary>A large model.weights.h5 goes through a temporary file (not a second copy in memory), removed after the load.</summary>
    [Test]
    public void LargeKerasWeightsLoadThroughATemporaryFileThatIsRemoved()
    {
        using var model = Small();
        string path = Path.Combine(_folder, "m.keras");
        model.Save(path);
        using var expected = model.Predict(X);
        long saved = KerasArchive.InMemoryWeightsBytes;
        var before = Directory.GetFiles(Path.GetTempPath(), "tffunctional-weights-*.h5").ToHashSet();
        KerasArchive.InMemoryWeightsBytes = 0;   // every weights entry counts as large
        try
        {
            using var loaded = Keras.LoadModel(path);
            using var actual = loaded.Predict(X);
            Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()));
        }
        finally
        {
            KerasArchive.InMemoryWeightsBytes = saved;
        }
        Assert.That(Directory.GetFiles(Path.GetTempPath(), "tffunctional-weights-*.h5").Where(f => !before.Contains(f)), Is.Empty, "the temporary file is gone");
    }
}
