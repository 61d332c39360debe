using System.Text.Json.Nodes;
using PureHDF;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>The legacy .h5 writer against a real file, weights by name, and registered custom layers.</summary>
public class LegacyH5WriterTests
{
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
