using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>
/// Mutated copies of real model files (truncations and random byte flips, over a thousand cases): loading either
/// succeeds or throws the library's documented <see cref="KerasFormatException"/>, never anything else, within a time bound.
/// </summary>
[NonParallelizable]
public class CorruptFileTests
{
    private static readonly string[] Sources =
    [
        Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/model.h5"),
        Fixtures.Wild("Deep-Learning-Neural-Netowrks__mlp-keras-iris-dataset__model.keras"),
        Fixtures.Keras("KonduitAI__dl4j-test-resources/modelimport/keras/examples/simple_rnn/simple_rnn_tf_keras_2_model.h5"),
    ];

    [Test]
    public void MutatedFilesFailOnlyWithKerasFormatException()
    {
        string folder = TemporaryFolder.Create("fuzz");
        var random = new Random(20261125);
        int cases = 0, loaded = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        try
        {
            foreach (string source in Sources)
            {
                byte[] original = File.ReadAllBytes(source);
                for (int i = 0; i < 350; i++)
                {
                    byte[] mutated;
                    if (i % 5 == 0)
                        mutated = original[..random.Next(0, original.Length)];
                    else
                    {
                        mutated = (byte[])original.Clone();
                        int flips = 1 + random.Next(8);
                        for (int f = 0; f < flips; f++) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    }
                    string path = Path.Combine(folder, $"case{cases}{Path.GetExtension(source)}");
                    File.WriteAllBytes(path, mutated);
                    var (error, elapsed) = LoadAttempt.Run(path, compile: false, TimeSpan.FromSeconds(20), $"{Path.GetFileName(source)} case {i}");
                    slowest = elapsed > slowest ? elapsed : slowest;
                    if (error is null) loaded++;
                    else if (error is KerasFormatException) rejected++;
                    else Assert.Fail($"{Path.GetFileName(source)} case {i}: {error.GetType().Name}: {error.Message}");
                    File.Delete(path);
                    cases++;
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        TestContext.Out.WriteLine($"{cases} mutated files: {loaded} loaded, {rejected} rejected with KerasFormatException; slowest {slowest.TotalMilliseconds:F0} ms");
        Assert.That(cases, Is.GreaterThanOrEqualTo(1000));
        Assert.That(rejected, Is.GreaterThan(100), "truncations alone must be rejected");
    }

    [Test]
    public void TrainingConfigurationsAreRestoredOnRequest()
    {
        var model = Keras.LoadModel(Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/model.h5"), compile: true);
        Assert.That(model.Optimizer, Is.Not.Null);
        var result = model.Evaluate(Fixtures.RampVector(10), new float[,] { { 1, 0, 0 } });
        Assert.That(result.Keys, Does.Contain("loss"));
        Assert.That(result["loss"], Is.EqualTo(-Math.Log(0.5011487603187561)).Within(1e-4), "categorical cross-entropy of the recorded output");

        var wild = Keras.LoadModel(Fixtures.Wild("Carine-Ashimwe__Summative-Assignment-SAHeart-Project__functional_model.keras"), compile: true);
        Assert.That(wild.Optimizer, Is.TypeOf<Optimizers.Adam>());
        Assert.That(wild.Optimizer!.LearningRate, Is.EqualTo(0.001).Within(1e-9));
        Assert.That(Keras.LoadModel(Fixtures.Wild("Carine-Ashimwe__Summative-Assignment-SAHeart-Project__functional_model.keras")).Optimizer, Is.Null);
    }
}
