using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>Every layer of the catalogue, in a small model, survives .keras and .h5: same architecture, weights and predictions.</summary>
public class CatalogueRoundTripTests
{
    /// <summary>One case of the catalogue: the layer, the shapes of its inputs (several: it is called on a list) and their dtype.</summary>
    private sealed record Case(string Name, int?[][] Shapes, Func<Layer> Make, DType DType = DType.Float32);

    private static Case One(string name, int?[] shape, Func<Layer> make, DType dtype = DType.Float32) => new(name, [shape], make, dtype);

    private static readonly Case[] Cases =
    [
        One("Dense", [4], () => new Dense(3, activation: "relu")),
        One("Activation", [4], () => new Activation("softsign")),
        One("Dropout", [4], () => new Dropout(0.3)),
        One("Flatten", [2, 3], () => new Flatten()),
        One("Reshape", [6], () => new Reshape([3, 2])),
        One("Permute", [2, 3], () => new Permute([2, 1])),
        One("RepeatVector", [3], () => new RepeatVector(2)),
        One("Masking", [3, 2], () => new Masking(0.5)),
        One("Embedding", [4], () => new Embedding(7, 3), DType.Int32),
        One("Conv1D", [8, 2], () => new Conv1D(3, 3, padding: "causal", dilationRate: 2)),
        One("Conv2D", [6, 6, 2], () => new Conv2D(3, [3, 2], strides: 2, padding: "same")),
        One("Conv3D", [4, 4, 4, 1], () => new Conv3D(2, 2)),
        One("Conv1DTranspose", [5, 2], () => new Conv1DTranspose(3, 3, strides: 2)),
        One("Conv2DTranspose", [3, 3, 2], () => new Conv2DTranspose(2, 3, strides: 2, padding: "same")),
        One("SeparableConv2D", [5, 5, 2], () => new SeparableConv2D(3, 3, depthMultiplier: 2)),
        One("DepthwiseConv2D", [5, 5, 2], () => new DepthwiseConv2D(3, depthMultiplier: 2)),
        One("MaxPooling1D", [6, 2], () => new MaxPooling1D(2)),
        One("MaxPooling2D", [5, 5, 2], () => new MaxPooling2D(2, strides: 1)),
        One("MaxPooling3D", [4, 4, 4, 1], () => new MaxPooling3D(2)),
        One("AveragePooling1D", [7, 2], () => new AveragePooling1D(3, strides: 2, padding: "same")),
        One("AveragePooling2D", [5, 5, 2], () => new AveragePooling2D(2, padding: "same")),
        One("AveragePooling3D", [4, 4, 4, 1], () => new AveragePooling3D(2)),
        One("GlobalAveragePooling1D", [5, 3], () => new GlobalAveragePooling1D(keepdims: true)),
        One("GlobalAveragePooling2D", [4, 4, 2], () => new GlobalAveragePooling2D()),
        One("GlobalMaxPooling1D", [5, 3], () => new GlobalMaxPooling1D()),
        One("GlobalMaxPooling2D", [4, 4, 2], () => new GlobalMaxPooling2D()),
        One("UpSampling1D", [3, 2], () => new UpSampling1D(3)),
        One("UpSampling2D", [3, 3, 2], () => new UpSampling2D(2, interpolation: "bilinear")),
        One("ZeroPadding1D", [3, 2], () => new ZeroPadding1D([1, 2])),
        One("ZeroPadding2D", [3, 3, 2], () => new ZeroPadding2D(1)),
        One("ZeroPadding2D_pairs", [3, 3, 2], () => new ZeroPadding2D([[1, 0], [0, 2]])),
        One("Cropping1D", [6, 2], () => new Cropping1D([1, 2])),
        One("Cropping2D", [5, 5, 2], () => new Cropping2D([[1, 0], [2, 1]])),
        One("BatchNormalization", [4], () => new BatchNormalization(momentum: 0.9)),
        One("LayerNormalization", [5, 4], () => new LayerNormalization()),
        One("LeakyReLU", [4], () => new LeakyReLU(0.1)),
        One("PReLU", [4], () => new PReLU(alphaInitializer: new Initializers.Constant(0.2))),
        One("ReLU", [4], () => new ReLU(maxValue: 0.5)),
        One("ELU", [4], () => new ELU(0.5)),
        One("ThresholdedReLU", [4], () => new ThresholdedReLU(0.2)),
        One("Softmax", [4], () => new Softmax()),
        One("GaussianNoise", [4], () => new GaussianNoise(0.1)),
        One("GaussianDropout", [4], () => new GaussianDropout(0.2)),
        One("ActivityRegularization", [4], () => new ActivityRegularization(0.01, 0.02)),
        One("SpatialDropout1D", [5, 3], () => new SpatialDropout1D(0.2)),
        One("SpatialDropout2D", [3, 3, 2], () => new SpatialDropout2D(0.2)),
        One("SimpleRNN", [5, 3], () => new SimpleRNN(4, returnSequences: true)),
        One("LSTM", [5, 3], () => new LSTM(4, goBackwards: true)),
        One("GRU", [5, 3], () => new GRU(4, resetAfter: false)),
        One("Bidirectional", [5, 3], () => new Bidirectional(new GRU(2, returnSequences: true), mergeMode: "sum")),
        One("TimeDistributed", [5, 3], () => new TimeDistributed(new Dense(2))),
        new("Add", [[3], [3]], () => new Add()),
        new("Subtract", [[3], [3]], () => new Subtract()),
        new("Multiply", [[3], [3]], () => new Multiply()),
        new("Average", [[3], [3]], () => new Average()),
        new("Maximum", [[3], [3]], () => new Maximum()),
        new("Minimum", [[3], [3]], () => new Minimum()),
        new("Concatenate", [[2, 3], [2, 1]], () => new Concatenate()),
        new("Dot", [[3], [3]], () => new Dot(1, normalize: true)),
        new("Attention", [[4, 3], [5, 3]], () => new Attention(useScale: true)),
        new("AdditiveAttention", [[4, 3], [5, 3]], () => new AdditiveAttention()),
        new("MultiHeadAttention", [[5, 4], [5, 4]], () => new MultiHeadAttention(2, 3)),
        new("MultiHeadAttention_axes", [[2, 3, 4], [2, 3, 4]], () => new MultiHeadAttention(2, 3, attentionAxes: [2])),
    ];

    private static IEnumerable<TestCaseData> Layers() =>
        Cases.Select(c => new TestCaseData(c.Shapes, c.Make, c.DType).SetName("RoundTrip_" + c.Name));

    /// <summary>Every layer class the registry knows has a row above (a new class without one fails here).</summary>
    [Test]
    public void EveryRegisteredLayerClassHasACase()
    {
        var covered = Cases.Select(c => c.Make().ClassName).ToHashSet();
        var missing = KerasRegistry.LayerClassNames.Where(n => n != "InputLayer" && !covered.Contains(n)).ToArray();
        Assert.That(missing, Is.Empty, "registered layer classes without a catalogue case");
    }

    private static Tensor Data(int?[] shape, DType dtype)
    {
        long[] dims = [2, .. shape.Select(d => (long)d!.Value)];
        int count = (int)dims.Aggregate(1L, (p, d) => p * d);
        return dtype == DType.Int32
            ? Tensor.From(Enumerable.Range(0, count).Select(k => k * 3 % 7).ToArray(), dims)
            : Tensor.From(Enumerable.Range(0, count).Select(k => (float)Math.Sin(k + shape.Length)).ToArray(), dims);
    }

    [TestCaseSource(nameof(Layers))]
    public void SurvivesBothFormats(int?[][] shapes, Func<Layer> make, DType dtype)
    {
        Keras.ClearSession();
        var inputs = shapes.Select((s, i) => Keras.Input(shape: s, dtype: dtype, name: $"in_{i}")).ToArray();
        var layer = make();
        var output = inputs.Length > 1 ? layer.Call(inputs) : layer.Call(inputs[0]);
        var model = new Model(inputs, output);

        // GetConfig → FromConfig (through the registry) → the same config.
        string config = layer.GetConfig().ToString();
        var copy = KerasRegistry.DeserializeLayer(new JsonObject { ["class_name"] = layer.ClassName, ["config"] = layer.GetConfig().Json.DeepClone() });
        Assert.That(copy.GetType(), Is.EqualTo(layer.GetType()));
        Assert.That(copy.GetConfig().ToString(), Is.EqualTo(config), "FromConfig(GetConfig()) gives the same config");

        // Non-trivial weights everywhere (fresh BatchNormalization statistics are 0 and 1).
        var weights = model.GetWeights().Select((w, i) =>
        {
            var copy = (Array)w.Clone();
            var flat = copy.Cast<float>().Select((v, k) => v + 0.01f * ((k + i) % 7 - 3)).ToArray();
            if (model.Weights[i].Name == "moving_variance") flat = flat.Select(Math.Abs).Select(v => v + 0.5f).ToArray();
            Buffer.BlockCopy(flat, 0, copy, 0, flat.Length * sizeof(float));
            return copy;
        }).ToArray();
        model.SetWeights(weights);
        var data = shapes.Select(s => Data(s, dtype)).ToArray();
        using var expected = model.Predict(data);
        string folder = Path.Combine(Path.GetTempPath(), "tffunctional-catalogue-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            foreach (string file in new[] { "m.keras", "m.h5" })
            {
                string path = Path.Combine(folder, file);
                model.Save(path);
                var loaded = Keras.LoadModel(path);
                Assert.That(loaded.Layers.Select(l => l.ClassName), Is.EqualTo(model.Layers.Select(l => l.ClassName)), file);
                Assert.That(loaded.Layers[^1].GetConfig().ToString(), Is.EqualTo(model.Layers[^1].GetConfig().ToString()), file);
                var loadedWeights = loaded.GetWeights();
                for (int i = 0; i < weights.Length; i++) Assert.That(loadedWeights[i], Is.EqualTo(weights[i]), $"{file} weight {i}");
                using var actual = loaded.Predict(data);
                Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()), file);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            foreach (var tensor in data) tensor.Dispose();
        }
    }

    [Test]
    public void LegacyH5WriterMatchesTheStructureOfARealFile()
    {
        string original = Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/model.h5");
        var model = Keras.LoadModel(original);
        string copy = Path.Combine(Path.GetTempPath(), $"tffunctional-h5-{Guid.NewGuid():N}.h5");
        try
        {
            model.Save(copy);
            using var a = H5File.OpenRead(original);
            using var b = H5File.OpenRead(copy);
            string[] rootAttributes = ["keras_version", "backend", "model_config"];
            foreach (string name in rootAttributes) Assert.That(b.AttributeExists(name), Is.True, name);
            Assert.That(b.Group("model_weights").Attribute("layer_names").Read<string[]>(),
                Is.EqualTo(a.Group("model_weights").Attribute("layer_names").Read<string[]>()));
            Assert.That(b.Group("model_weights/dense").Attribute("weight_names").Read<string[]>(),
                Is.EqualTo(a.Group("model_weights/dense").Attribute("weight_names").Read<string[]>()));
            // Keras writes an input layer's empty list as an empty float array; ours is an empty string array. Both hold nothing.
            Assert.That(b.Group("model_weights/input_1").Attribute("weight_names").Space.Dimensions, Is.EqualTo(new ulong[] { 0 }));
            Assert.That(a.Group("model_weights/input_1").Attribute("weight_names").Space.Dimensions, Is.EqualTo(new ulong[] { 0 }));
            Assert.That(b.LinkExists("model_weights/dense/dense/kernel:0"), Is.True);
            var config = JsonNode.Parse(b.Attribute("model_config").Read<string>())!;
            var originalConfig = JsonNode.Parse(a.Attribute("model_config").Read<string>())!;
            Assert.That(config["class_name"]!.GetValue<string>(), Is.EqualTo(originalConfig["class_name"]!.GetValue<string>()));
            Assert.That(config["config"]!["layers"]![1]!["inbound_nodes"]!.ToJsonString(),
                Is.EqualTo(originalConfig["config"]!["layers"]![1]!["inbound_nodes"]!.ToJsonString()));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Test]
    public void WeightsLoadByNameAndCustomLayersRegister()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3]);
        var source = new Model(input, new Dense(2, name: "b").Call(new Dense(4, name: "a").Call(input)));
        string path = Path.Combine(Path.GetTempPath(), $"tffunctional-weights-{Guid.NewGuid():N}.h5");
        try
        {
            source.SaveWeights(path);
            var other = Keras.Input(shape: [3]);
            var target = new Model(other, new Dense(4, name: "a").Call(other));
            Assert.Throws<KerasFormatException>(() => target.LoadWeights(path), "positional loading needs the same layers");
            target.LoadWeights(path, byName: true);
            Assert.That(target.GetLayer("a").GetWeights()[0], Is.EqualTo(source.GetLayer("a").GetWeights()[0]));
        }
        finally
        {
            File.Delete(path);
        }

        string json = """{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Doubler", "config": {"name": "double_it", "batch_input_shape": [null, 2]}}]}}""";
        Keras.RegisterLayer("Doubler", config => new Lambda(t => Ops.Multiply(t, 2.0), name: config.Name));
        var custom = Keras.ModelFromJson(json);
        using var y = custom.Predict(new float[,] { { 1, 3 } });
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 2f, 6 }));
    }
}
