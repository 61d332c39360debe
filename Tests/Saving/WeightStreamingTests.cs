using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>
/// Weights go from a file straight into the variables (<see cref="WeightAssignment"/>): in place for a kernel kept in
/// Keras layout, in bands of rows for one kept transposed (a large Dense kernel), across TF.js shard boundaries, and
/// into a live model only once every value was read.
/// </summary>
public class WeightStreamingTests
{
    private string _folder = "";

    [SetUp]
    public void Setup()
    {
        Keras.ClearSession();
        _folder = TemporaryFolder.Create("streaming");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Dense(4000) on 300 features: 1.2 M kernel values, kept transposed at run time and filled in two bands of rows;
    /// then a small Dense kept in Keras layout, filled in place.
    /// </summary>
    private static Model TwoKernels()
    {
        var input = Keras.Input(shape: [300], name: "features");
        var wide = new Dense(4000, activation: "tanh", kernelInitializer: new Initializers.GlorotUniform(seed: 3),
            biasInitializer: new Initializers.RandomUniform(-0.1, 0.1, seed: 4), name: "wide").Call(input);
        return new Model(input, new Dense(3, kernelInitializer: new Initializers.GlorotUniform(seed: 5), name: "narrow").Call(wide));
    }

    private static float[,] Features()
    {
        var random = new Random(7);
        var values = new float[4, 300];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 300; j++) values[i, j] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static float[][] Weights(Model model) => model.Weights.Select(w => w.KerasValue.ToArray<float>()).ToArray();

    [TestCase("model.keras")]
    [TestCase("model.h5")]
    [TestCase("model.json")]
    public void EveryValueArrivesWhereverTheVariableKeepsIt(string name)
    {
        var model = TwoKernels();
        Assert.That(model.GetLayer("wide").Weights[0].StorageAxes, Is.EqualTo(new[] { 1, 0 }), "the wide kernel is kept transposed");
        Assert.That(model.GetLayer("narrow").Weights[0].StorageAxes, Is.Null, "the narrow one in Keras layout");
        string path = Path.Combine(_folder, name);
        model.Save(path);
        var loaded = Keras.LoadModel(path);
        var expected = Weights(model);
        var actual = Weights(loaded);
        for (int i = 0; i < expected.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]), $"weight {model.Weights[i].Path}");
        using var before = model.Predict(Features());
        using var after = loaded.Predict(Features());
        Assert.That(after.ToArray<float>(), Is.EqualTo(before.ToArray<float>()));
    }

    [Test]
    public void ATfJsWeightSplitAcrossShardsIsJoined()
    {
        var model = TwoKernels();
        string path = Path.Combine(_folder, "model.json");
        model.Save(path);
        // Split the one shard at an odd byte inside the wide kernel, as TF.js's 4 MB shards split weights anywhere.
        string shard = Path.Combine(_folder, TfJsModel.ShardName(path));
        var bytes = File.ReadAllBytes(shard);
        int cut = 1_000_003;
        File.WriteAllBytes(Path.Combine(_folder, "group1-shard1of2.bin"), bytes[..cut]);
        File.WriteAllBytes(Path.Combine(_folder, "group1-shard2of2.bin"), bytes[cut..]);
        File.Delete(shard);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["weightsManifest"]![0]!["paths"] = new JsonArray("group1-shard1of2.bin", "group1-shard2of2.bin");
        File.WriteAllText(path, json.ToJsonString());
        var loaded = Keras.LoadModel(path);
        var expected = Weights(model);
        var actual = Weights(loaded);
        for (int i = 0; i < expected.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]), $"weight {model.Weights[i].Path}");

        // A second shard cut short after the manifest was checked is named, not read past.
        File.WriteAllBytes(Path.Combine(_folder, "group1-shard2of2.bin"), bytes[cut..^8]);
        var error = Assert.Throws<KerasFormatException>(() => Keras.LoadModel(path))!;
        Assert.That(error.Message, Does.Contain("hold " + (bytes.Length - 8) + " bytes, but the manifest's weights need " + bytes.Length));
    }

    [TestCase("model.keras")]
    [TestCase("model.h5")]
    public void LoadWeightsIntoALiveModelIsAllOrNone(string name)
    {
        var source = TwoKernels();
        string path = Path.Combine(_folder, name);
        source.Save(path);
        Keras.ClearSession();
        var target = TwoKernels();
        foreach (var variable in target.Weights) variable.Assign(Ops.Zeros(variable.Shape.Select(d => d!.Value).ToArray()));
        target.LoadWeights(path);
        var expected = Weights(source);
        var actual = Weights(target);
        for (int i = 0; i < expected.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]), $"weight {source.Weights[i].Path}");

        // A model whose last layer does not fit: nothing is assigned, the wide kernel included.
        Keras.ClearSession();
        var input = Keras.Input(shape: [300], name: "features");
        var wide = new Dense(4000, activation: "tanh", name: "wide").Call(input);
        var misfit = new Model(input, new Dense(4, name: "narrow").Call(wide));
        var untouched = Weights(misfit);
        Assert.Throws<KerasFormatException>(() => misfit.LoadWeights(path));
        Assert.That(Weights(misfit)[0], Is.EqualTo(untouched[0]), "the wide kernel is as it was");
    }
}
