using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>Every layer of the catalogue, in a small model, survives .keras and .h5: same architecture, weights and predictions.</summary>
public class CatalogueRoundTripTests
{
    private static IEnumerable<TestCaseData> Layers()
    {
        (string Name, int?[] Shape, Func<Layer> Make)[] cases =
        [
            ("Dense", [4], () => new Dense(3, activation: "relu")),
            ("Activation", [4], () => new Activation("softsign")),
            ("Dropout", [4], () => new Dropout(0.3)),
            ("Flatten", [2, 3], () => new Flatten()),
            ("Reshape", [6], () => new Reshape([3, 2])),
            ("Permute", [2, 3], () => new Permute([2, 1])),
            ("RepeatVector", [3], () => new RepeatVector(2)),
            ("Conv1D", [8, 2], () => new Conv1D(3, 3, padding: "causal", dilationRate: 2)),
            ("Conv2D", [6, 6, 2], () => new Conv2D(3, [3, 2], strides: 2, padding: "same")),
            ("Conv3D", [4, 4, 4, 1], () => new Conv3D(2, 2)),
            ("Conv1DTranspose", [5, 2], () => new Conv1DTranspose(3, 3, strides: 2)),
            ("Conv2DTranspose", [3, 3, 2], () => new Conv2DTranspose(2, 3, strides: 2, padding: "same")),
            ("SeparableConv2D", [5, 5, 2], () => new SeparableConv2D(3, 3, depthMultiplier: 2)),
            ("DepthwiseConv2D", [5, 5, 2], () => new DepthwiseConv2D(3, depthMultiplier: 2)),
            ("MaxPooling1D", [6, 2], () => new MaxPooling1D(2)),
            ("AveragePooling2D", [5, 5, 2], () => new AveragePooling2D(2, padding: "same")),
            ("MaxPooling3D", [4, 4, 4, 1], () => new MaxPooling3D(2)),
            ("GlobalAveragePooling2D", [4, 4, 2], () => new GlobalAveragePooling2D()),
            ("GlobalMaxPooling1D", [5, 3], () => new GlobalMaxPooling1D()),
            ("UpSampling2D", [3, 3, 2], () => new UpSampling2D(2, interpolation: "bilinear")),
            ("ZeroPadding2D", [3, 3, 2], () => new ZeroPadding2D(1)),
            ("Cropping1D", [6, 2], () => new Cropping1D([1, 2])),
            ("BatchNormalization", [4], () => new BatchNormalization(momentum: 0.9)),
            ("LayerNormalization", [5, 4], () => new LayerNormalization()),
            ("LeakyReLU", [4], () => new LeakyReLU(0.1)),
            ("PReLU", [4], () => new PReLU(alphaInitializer: new Initializers.Constant(0.2))),
            ("ReLU", [4], () => new ReLU(maxValue: 0.5)),
            ("ELU", [4], () => new ELU(0.5)),
            ("Softmax", [4], () => new Softmax()),
            ("GaussianNoise", [4], () => new GaussianNoise(0.1)),
            ("SpatialDropout1D", [5, 3], () => new SpatialDropout1D(0.2)),
            ("SimpleRNN", [5, 3], () => new SimpleRNN(4, returnSequences: true)),
            ("LSTM", [5, 3], () => new LSTM(4, goBackwards: true)),
            ("GRU", [5, 3], () => new GRU(4, resetAfter: false)),
            ("Bidirectional", [5, 3], () => new Bidirectional(new GRU(2, returnSequences: true), mergeMode: "sum")),
            ("TimeDistributed", [5, 3], () => new TimeDistributed(new Dense(2))),
            ("MultiHeadAttention", [5, 4], () => new MultiHeadAttention(2, 3)),
            ("MultiHeadAttention_axes", [2, 3, 4], () => new MultiHeadAttention(2, 3, attentionAxes: [2])),
        ];
        return cases.Select(c => new TestCaseData(c.Shape, c.Make).SetName("RoundTrip_" + c.Name));
    }

    [TestCaseSource(nameof(Layers))]
    public void SurvivesBothFormats(int?[] shape, Func<Layer> make)
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: shape);
        var layer = make();
        var output = layer is MultiHeadAttention ? layer.Call([input, input]) : layer.Call(input);
        var model = new Model(input, output);
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
        long[] dims = [2, .. shape.Select(d => (long)d!.Value)];
        var data = Tensor.From(Enumerable.Range(0, (int)dims.Aggregate(1L, (p, d) => p * d)).Select(k => (float)Math.Sin(k)).ToArray(), dims);
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
            data.Dispose();
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
