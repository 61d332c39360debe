using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

public class RoundTripTests
{
    private string _folder = "";

    [SetUp]
    public void Setup()
    {
        Keras.ClearSession();
        _folder = TemporaryFolder.Create("roundtrip");
    }

    [TearDown]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>Shared LSTM, an embedding with a mask, a nested model called as a layer, merges and two outputs.</summary>
    private static Model GuideLikeModel()
    {
        var tokens = Keras.Input(shape: [6], dtype: DType.Int32, name: "tokens");
        var extra = Keras.Input(shape: [3], name: "extra");
        var embedded = new Embedding(20, 4, maskZero: true).Call(tokens);
        var lstm = new LSTM(5, returnSequences: true);
        var sequence = lstm.Call(embedded);
        var gru = new GRU(3).Call(sequence);
        var innerInput = Keras.Input(shape: [3]);
        var inner = new Model(innerInput, new Dense(3, activation: "tanh").Call(innerInput), name: "inner");
        var shared = new Dense(3, activation: "relu", name: "shared");
        var a = shared.Call(gru);
        var b = shared.Call(inner.Call(extra));
        var merged = Keras.Layers.Concatenate([a, b, Keras.Layers.Multiply([a, b])]);
        var main = new Dense(1, activation: "sigmoid", name: "main_output").Call(merged);
        var aux = new Dense(2, activation: "softmax", name: "aux_output").Call(new SimpleRNN(2).Call(sequence));
        return new Model([tokens, extra], [main, aux], name: "guide_like");
    }

    private static (int[,] Tokens, float[,] Extra) Data() =>
        (new[,] { { 1, 2, 3, 0, 0, 0 }, { 5, 6, 7, 8, 9, 19 } }, Reference.Matrix(2, 3, 5));

    [TestCase("model.keras")]
    [TestCase("model.h5")]
    public void SaveThenLoadKeepsArchitectureWeightsAndPredictions(string fileName)
    {
        var model = GuideLikeModel();
        var (tokens, extra) = Data();
        var before = model.PredictOutputs([tokens, extra]);
        string path = Path.Combine(_folder, fileName);
        model.Save(path);
        Assert.That(Directory.GetFiles(_folder), Is.EqualTo(new[] { path }), "no temporary file is left behind");

        var loaded = Keras.LoadModel(path);
        Assert.That(loaded.Name, Is.EqualTo("guide_like"));
        Assert.That(loaded.Layers.Select(l => $"{l.Name}:{l.ClassName}"), Is.EqualTo(model.Layers.Select(l => $"{l.Name}:{l.ClassName}")));
        Assert.That(loaded.CountParams(), Is.EqualTo(model.CountParams()));
        Assert.That(loaded.GetLayer("shared").InboundNodes, Has.Count.EqualTo(2));
        var weightsBefore = model.GetWeights();
        var weightsAfter = loaded.GetWeights();
        for (int i = 0; i < weightsBefore.Count; i++) Assert.That(weightsAfter[i], Is.EqualTo(weightsBefore[i]), $"weight {i}");
        var after = loaded.PredictOutputs([tokens, extra]);
        for (int i = 0; i < 2; i++) Assert.That(after[i].ToArray<float>(), Is.EqualTo(before[i].ToArray<float>()), $"output {i}");
        foreach (var t in before.Concat(after)) t.Dispose();
    }

    [Test]
    public void KerasArchiveUsesKeras3ObjectPaths()
    {
        var model = GuideLikeModel();
        string path = Path.Combine(_folder, "model.keras");
        model.Save(path);
        using var zip = ZipFile.OpenRead(path);
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EquivalentTo(new[] { "metadata.json", "config.json", "model.weights.h5" }));
        var config = JsonNode.Parse(new StreamReader(zip.GetEntry("config.json")!.Open()).ReadToEnd())!;
        Assert.That(config["class_name"]!.GetValue<string>(), Is.EqualTo("Functional"));
        var shared = config["config"]!["layers"]!.AsArray().First(l => l!["name"]!.GetValue<string>() == "shared")!;
        Assert.That(shared["inbound_nodes"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(shared["config"]!["dtype"]!["class_name"]!.GetValue<string>(), Is.EqualTo("DTypePolicy"));
        var history = shared["inbound_nodes"]![1]!["args"]![0]!["config"]!["keras_history"]!.AsArray();
        Assert.That(history.Select(h => h!.ToJsonString()), Is.EqualTo(new[] { "\"inner\"", "0", "0" }), "Keras 3 numbers the nested model's first call 0");

        using var weights = new MemoryStream();
        zip.GetEntry("model.weights.h5")!.Open().CopyTo(weights);
        weights.Position = 0;
        using var h5 = H5File.Open(weights, leaveOpen: true);
        string[] expected =
        [
            "layers/embedding/vars/0", "layers/lstm/cell/vars/0", "layers/lstm/cell/vars/1", "layers/lstm/cell/vars/2",
            "layers/gru/cell/vars/2", "layers/simple_rnn/cell/vars/0", "layers/functional/layers/dense/vars/0",
            "layers/dense/vars/0", "layers/dense_1/vars/1", "layers/dense_2/vars/0",
        ];
        foreach (string entry in expected) Assert.That(h5.LinkExists(entry), Is.True, entry);
        Assert.That(h5.Group("layers/dense/vars").Attribute("name").Read<string>(), Is.EqualTo("shared"));
        Assert.That(h5.Group("layers/lstm/cell/vars").Attribute("name").Read<string>(), Is.EqualTo("lstm_cell"));
    }

    [Test]
    public void ARealKeras3FileSavesBackWithTheSameStructure()
    {
        string original = Fixtures.Wild("Deep-Learning-Neural-Netowrks__mlp-keras-iris-dataset__model.keras");
        var model = Keras.LoadModel(original);
        using var y = model.Predict(new float[,] { { 5.1f, 3.5f, 1.4f, 0.2f } });
        Assert.That(y.Shape, Is.EqualTo(new Shape(1, 3)));
        Assert.That(y.ToArray<float>().Sum(), Is.EqualTo(1.0).Within(1e-5), "softmax output");
        string copy = Path.Combine(_folder, "copy.keras");
        model.Save(copy);
        Assert.That(WeightPaths(copy), Is.EqualTo(WeightPaths(original).Where(p => !p.StartsWith("optimizer")).ToArray()));
        var originalConfig = ConfigOf(original)["config"]!["layers"]!.AsArray();
        var copyConfig = ConfigOf(copy)["config"]!["layers"]!.AsArray();
        for (int i = 0; i < originalConfig.Count; i++)
        {
            Assert.That(copyConfig[i]!["class_name"]!.GetValue<string>(), Is.EqualTo(originalConfig[i]!["class_name"]!.GetValue<string>()));
            var keys = originalConfig[i]!["config"]!.AsObject().Select(p => p.Key).Except(["quantization_config", "optional"]);
            Assert.That(copyConfig[i]!["config"]!.AsObject().Select(p => p.Key), Is.SupersetOf(keys), $"layer {i} config keys");
        }
        var reloaded = Keras.LoadModel(copy);
        using var again = reloaded.Predict(new float[,] { { 5.1f, 3.5f, 1.4f, 0.2f } });
        Assert.That(again.ToArray<float>(), Is.EqualTo(y.ToArray<float>()));
    }

    private static JsonNode ConfigOf(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return JsonNode.Parse(new StreamReader(zip.GetEntry("config.json")!.Open()).ReadToEnd())!;
    }

    private static string[] WeightPaths(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var weights = new MemoryStream();
        zip.GetEntry("model.weights.h5")!.Open().CopyTo(weights);
        weights.Position = 0;
        using var h5 = H5File.Open(weights, leaveOpen: true);
        var paths = new List<string>();
        void Walk(IH5Group group, string prefix)
        {
            foreach (var child in group.Children())
            {
                string childPath = prefix.Length == 0 ? child.Name : $"{prefix}/{child.Name}";
                if (child is IH5Group g) Walk(g, childPath);
                else paths.Add(childPath);
            }
        }
        Walk(h5, "");
        return paths.Order().ToArray();
    }

    [Test]
    public void BadFilesGiveKerasFormatExceptions()
    {
        string notZip = Path.Combine(_folder, "broken.keras");
        File.WriteAllText(notZip, "this is not a zip");
        Assert.That(Assert.Throws<KerasFormatException>(() => Keras.LoadModel(notZip))!.Message, Does.Contain("broken.keras is not a .keras file"));

        string noConfig = Path.Combine(_folder, "empty.keras");
        using (var zip = ZipFile.Open(noConfig, ZipArchiveMode.Create)) zip.CreateEntry("metadata.json");
        Assert.That(Assert.Throws<KerasFormatException>(() => Keras.LoadModel(noConfig))!.Message, Does.Contain("has no config.json"));

        string notH5 = Path.Combine(_folder, "broken.h5");
        File.WriteAllBytes(notH5, [1, 2, 3, 4]);
        Assert.That(Assert.Throws<KerasFormatException>(() => Keras.LoadModel(notH5))!.Message, Does.Contain("broken.h5 is not a readable HDF5 file"));

        var model = GuideLikeModel();
        string weights = Path.Combine(_folder, "w.weights.h5");
        model.SaveWeights(weights);
        Keras.ClearSession();
        var input = Keras.Input(shape: [3]);
        var other = new Model(input, new Dense(2).Call(input));
        var mismatch = Assert.Throws<KerasFormatException>(() => other.LoadWeights(weights))!;
        Assert.That(mismatch.Message, Does.Contain("weight 'dense/kernel' has shape (3, 2), but 'layers/dense/vars/0' in the file has shape (3, 3)"));
    }
}
