using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>Real files written by Python Keras, with the outputs recorded from them (../shared/fixtures/keras).</summary>
public class KerasFixtureTests
{
    private static Model FromJsonAndWeights(string architecture, string weights)
    {
        var model = Keras.ModelFromJson(File.ReadAllText(Fixtures.Keras(architecture)));
        model.LoadWeights(Fixtures.Keras(weights));
        return model;
    }

    [Test]
    public void UnsplitModelTfKeras24()
    {
        var model = Keras.LoadModel(Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/model.h5"));
        using var y = model.Predict(Fixtures.RampVector(10));
        Fixtures.AssertClose(y.ToArray<float>(), Fixtures.LwtnnExpected(Fixtures.Keras("lwtnn__lwtnn-test-data/unsplit-model/outputs.json"), "dense_0:"), "unsplit-model");
    }

    [Test]
    public void AddDenseFunctionalKeras210()
    {
        var model = FromJsonAndWeights("lwtnn__lwtnn-test-data/add_dense_functional/architecture.json", "lwtnn__lwtnn-test-data/add_dense_functional/weights.h5");
        Assert.That(model.Layers.Select(l => l.ClassName), Is.EqualTo(new[] { "InputLayer", "Dense", "Dense", "Add", "Dense", "Add", "Dense" }));
        using var y = model.Predict(Fixtures.RampVector(5));
        Fixtures.AssertClose(y.ToArray<float>(), Fixtures.LwtnnExpected(Fixtures.Keras("lwtnn__lwtnn/tests/data/add_dense_functional-out.json"), "dense_19_0:"), "add_dense_functional");
    }

    [Test]
    public void DenseDropoutFunctionalKeras20()
    {
        var model = FromJsonAndWeights("lwtnn__lwtnn-test-data/Dense_dropout_functional/model.json", "lwtnn__lwtnn-test-data/Dense_dropout_functional/weights.h5");
        using var y = model.Predict(Fixtures.RampVector(66));
        Fixtures.AssertClose(y.ToArray<float>(), Fixtures.LwtnnExpected(Fixtures.Keras("lwtnn__lwtnn/tests/data/dense_dropout_functional-out.json"), "dense_6_0:"), "Dense_dropout_functional");
    }

    [Test]
    public void EluKeras224()
    {
        var model = FromJsonAndWeights("lwtnn__lwtnn-test-data/elu/architecture.json", "lwtnn__lwtnn-test-data/elu/weights.h5");
        using var y = model.Predict(Fixtures.RampVector(7));
        Fixtures.AssertClose(y.ToArray<float>(), Fixtures.LwtnnExpectedByLabels(Fixtures.Keras("lwtnn__lwtnn-test-data/elu/targets.json"),
            Fixtures.Keras("lwtnn__lwtnn-test-data/elu/inputs.json"), "dense_1_0:"), "elu");
    }

    [Test]
    public void SimpleRnnFunctionalKeras24()
    {
        var model = FromJsonAndWeights("lwtnn__lwtnn-test-data/simplernn_functional/simplernn_functional.json", "lwtnn__lwtnn-test-data/simplernn_functional/simplernn_functional_weights.h5");
        int features = model.Inputs[0].Shape[2]!.Value;
        using var y = model.Predict(Fixtures.RampSequence(features));
        Fixtures.AssertClose(y.ToArray<float>(), Fixtures.LwtnnExpected(Fixtures.Keras("lwtnn__lwtnn/tests/data/simplernn_functional-out.json"), "dense_1_0:"), "simplernn_functional");
    }

    [Test]
    public void LstmFunctionalKeras203Theano()
    {
        var model = FromJsonAndWeights("lwtnn__lwtnn-test-data/lstm_functional/model.json", "lwtnn__lwtnn-test-data/lstm_functional/weights.h5");
        int features = model.Inputs[0].Shape[2]!.Value;
        using var y = model.Predict(Fixtures.RampSequence(features));
        Fixtures.AssertClose(y.ToArray<float>(), Fixtures.LwtnnExpected(Fixtures.Keras("lwtnn__lwtnn/tests/data/lstm_functional-out.json"), "dense_1_0:"), "lstm_functional");
    }

    [Test]
    public void MergeGraphTwoInputsTwoOutputs()
    {
        // GRU without reset_after and Keras 2's hard_sigmoid, a sequence and a vector input, two outputs.
        var model = FromJsonAndWeights("lwtnn__lwtnn-test-data/merge-graph/arch.json", "lwtnn__lwtnn-test-data/merge-graph/weights.h5");
        var outputs = model.PredictOutputs([Fixtures.RampSequence(4), Fixtures.RampVector(8)]);
        string expected = Fixtures.Keras("lwtnn__lwtnn/tests/data/merge-graph-out.json");
        Fixtures.AssertClose(outputs[0].ToArray<float>(), Fixtures.LwtnnExpected(expected, "flavor_0:"), "merge-graph flavor");
        Fixtures.AssertClose(outputs[1].ToArray<float>(), Fixtures.LwtnnExpected(expected, "charge_0:"), "merge-graph charge");
        foreach (var o in outputs) o.Dispose();
    }

    [Test]
    public void UnknownLayersAreListedAtOnce()
    {
        string json = """
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "FancyLayer", "config": {"name": "a", "batch_input_shape": [null, 3]}},
              {"class_name": "OtherLayer", "config": {"name": "b"}},
              {"class_name": "Dense", "config": {"name": "c", "units": 2}}]}}
            """;
        var error = Assert.Throws<KerasFormatException>(() => Keras.ModelFromJson(json))!;
        Assert.That(error.Message, Does.StartWith("Unknown layer class(es): FancyLayer, OtherLayer.").And.Contain("Keras.RegisterLayer"));
    }
}

/// <summary>More recorded Keras runs: a BatchNormalization CNN (Keras 2.1), a Keras 1 CNN, and the DL4J MNIST MLP.</summary>
public class MoreKerasFixtureTests
{
    private const string Dl4j = "KonduitAI__dl4j-test-resources";

    [Test]
    public void CnnWithBatchNormalizationKeras213()
    {
        string folder = Fixtures.Keras($"{Dl4j}/modelimport/keras/fullconfigs/cnn");
        var model = Keras.LoadModel(Path.Combine(folder, "cnn_batch_norm.h5"));
        using var input = NumPyFile(Path.Combine(folder, "input.npy"));
        using var expected = NumPyFile(Path.Combine(folder, "predictions.npy"));
        using var y = model.Predict(input);
        Fixtures.AssertClose(y.ToArray<float>(), expected.ToArray<float>().Select(v => (double)v).ToArray(), "cnn_batch_norm");
    }

    [Test]
    public void KerasOneCnnWithTensorFlowOrdering()
    {
        string folder = Fixtures.Keras($"{Dl4j}/keras/simple");
        var model = Keras.LoadModel(Path.Combine(folder, "cnn_tf_model.h5"));
        // The input file is one sample written as [C=3, H=8, W=8] (DL4J's NCHW): transpose to [8, 8, 3].
        var values = File.ReadAllLines(Path.Combine(folder, "cnn_tf_input.txt"))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(float.Parse).ToArray();
        var x = new float[1, 8, 8, 3];
        for (int c = 0; c < 3; c++) for (int h = 0; h < 8; h++) for (int w = 0; w < 8; w++) x[0, h, w, c] = values[(c * 8 + h) * 8 + w];
        var expected = File.ReadAllText(Path.Combine(folder, "cnn_tf_output.txt")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse).ToArray();
        using var y = model.Predict(x);
        Fixtures.AssertClose(y.ToArray<float>(), expected, "cnn_tf (Keras 1.1.2)");
    }

    [Test]
    public void MnistMlpFromConfigAndWeights()
    {
        string folder = Fixtures.Keras("deeplearning4j__dl4j-test-resources/modelimport/keras/examples/mnist_mlp");
        var model = Keras.ModelFromJson(File.ReadAllText(Path.Combine(folder, "mnist_mlp_tf_keras_2_config.json")));
        model.LoadWeights(Path.Combine(folder, "mnist_mlp_tf_keras_2_weights.h5"));
        var run = Dl4jCase.Load(Path.Combine(folder, "mnist_mlp_tf_keras_2_inputs_and_outputs.h5"));
        using var y = model.Predict(run.Inputs[0]);
        Fixtures.AssertClose(y.ToArray<float>(), run.Predictions["dense_3"].Values.Select(v => (double)v).ToArray(), "mnist_mlp");
        run.Inputs[0].Dispose();
    }

    private static Tensor NumPyFile(string path)
    {
        using var raw = TfFunctional.Saving.NumPy.Load(path);
        return raw.DType == DType.Float32 ? Ops.Copy(raw) : Ops.Cast(raw, DType.Float32);
    }
}

/// <summary>The 28 real-world files of ../shared/fixtures/keras-wild (no recorded outputs): each loads, takes every weight and predicts finite values of the configured shapes.</summary>
public class WildFileTests
{
    private static IEnumerable<TestCaseData> Files() =>
        Directory.GetFiles(Fixtures.Wild("")).Where(f => f.EndsWith(".keras") || f.EndsWith(".h5")).Order()
            .Select(f => new TestCaseData(f).SetName("Wild_" + Path.GetFileName(f)));

    [TestCaseSource(nameof(Files))]
    public void LoadsAndPredicts(string path)
    {
        Model model;
        try
        {
            model = Keras.LoadModel(path);
        }
        catch (KerasFormatException e) when (e.Message.StartsWith("Unknown layer class(es):"))
        {
            Assert.Fail($"{Path.GetFileName(path)}: {e.Message}");
            return;
        }
        var inputs = model.Inputs.Select(i =>
        {
            var shape = i.Shape.Select((d, axis) => axis == 0 ? 2L : d ?? 8L).ToArray();
            long size = shape.Aggregate(1L, (p, d) => p * d);
            var values = Enumerable.Range(0, (int)size).Select(k => (float)(k % 7) / 7).ToArray();
            return Tensor.From(values, shape);
        }).ToArray();
        var outputs = model.PredictOutputs(inputs);
        try
        {
            for (int i = 0; i < outputs.Count; i++)
            {
                var expected = model.Outputs[i].Shape;
                Assert.That(outputs[i].Shape.Rank, Is.EqualTo(expected.Rank));
                for (int axis = 1; axis < expected.Rank; axis++)
                    if (expected[axis] is int d) Assert.That(outputs[i].Shape[axis], Is.EqualTo(d), $"output {i} axis {axis}");
                using var asFloat = outputs[i].DType == DType.Float32 ? Ops.Copy(outputs[i]) : Ops.Cast(outputs[i], DType.Float32);
                Assert.That(asFloat.ToArray<float>().All(float.IsFinite), Is.True, "finite outputs");
            }
            TestContext.Out.WriteLine($"{Path.GetFileName(path)}: {model.Layers.Count} layers, {model.CountParams():N0} parameters, outputs {string.Join(", ", outputs.Select(o => o.Shape))}");
        }
        finally
        {
            foreach (var t in outputs.Concat(inputs)) t.Dispose();
        }
    }
}

/// <summary>TensorFlow.js layers models.</summary>
public class TfJsTests
{
    [Test]
    public void EmbeddingGruModelPredictsWhatTfJsComputed()
    {
        string folder = Fixtures.Keras("tensorflow__tfjs/e2e/integration_tests/load_predict_data/layers_model");
        var model = Keras.LoadModel(Path.Combine(folder, "model.json"));
        Assert.That(model.Layers.Select(l => l.ClassName), Is.EqualTo(new[] { "Embedding", "GRU" }));
        var expected = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "expected_transcribed.json")))!;
        var input = expected["input"]!["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        using var y = model.Predict(Tensor.From(input, 1, 10));
        Fixtures.AssertClose(y.ToArray<float>(), expected["expected_output"]!["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray(), "tfjs layers_model");
    }
}

/// <summary>
/// TF.js models that nest models and wrap layers, written by TF.js Layers 4.22 (tools/references/tfjs/generate.js) with
/// the outputs TF.js computed: TF.js names a nested model's weights by its inner layers and a wrapper's by the wrapper.
/// </summary>
public class TfJsNestedModelTests
{
    [TestCase("nested_vision")]
    [TestCase("wrapped")]
    public void PredictsWhatTfJsComputed(string name)
    {
        string folder = Fixtures.Reference(Path.Combine("tfjs", name));
        var model = Keras.LoadModel(Path.Combine(folder, "model.json"));
        var expected = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")))!;
        var inputs = expected["inputs"]!.AsArray().Select(i => Tensor.From(
            i!["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
            i["shape"]!.AsArray().Select(d => (long)d!.GetValue<int>()).ToArray())).ToArray();
        var outputs = model.PredictOutputs(inputs);
        try
        {
            var recorded = expected["outputs"]!.AsArray();
            Assert.That(outputs, Has.Count.EqualTo(recorded.Count));
            for (int i = 0; i < outputs.Count; i++)
            {
                Assert.That(outputs[i].Shape.Select(d => d!.Value), Is.EqualTo(recorded[i]!["shape"]!.AsArray().Select(d => d!.GetValue<int>())));
                Fixtures.AssertClose(outputs[i].ToArray<float>(), recorded[i]!["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray(), name);
            }

            // Our TF.js writer names nested and wrapped weights as TF.js does: the model comes back whole.
            string copy = Path.Combine(Path.GetTempPath(), $"tffunctional-tfjs-{Guid.NewGuid():N}");
            Directory.CreateDirectory(copy);
            try
            {
                model.Save(Path.Combine(copy, "model.json"));
                using var again = Keras.LoadModel(Path.Combine(copy, "model.json"));
                var reloaded = again.PredictOutputs(inputs);
                for (int i = 0; i < outputs.Count; i++) Assert.That(reloaded[i].ToArray<float>(), Is.EqualTo(outputs[i].ToArray<float>()), $"{name}: saved as model.json, reloaded");
                foreach (var t in reloaded) t.Dispose();
            }
            finally
            {
                Directory.Delete(copy, recursive: true);
            }
        }
        finally
        {
            foreach (var t in outputs.Concat(inputs)) t.Dispose();
        }
    }
}
