using System.Text.Json.Nodes;
using TfFunctional.Activations;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Saving;

/// <summary>
/// One schema per class: configs are read once (FromConfig, through the registry and the upgrade step), meanings
/// travel with their objects, and a format refuses what it cannot express before the file is touched.
/// </summary>
[NonParallelizable]
public class ConfigSchemaTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TemporaryFolder.Create("schema");
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static float HardSigmoidKeras2(float x) => Math.Clamp(0.2f * x + 0.5f, 0f, 1f);

    /// <summary>One direction of a Keras LSTM (gates i, f, c, o; kernel (in, 4u), recurrent (u, 4u)) by hand, over steps in the given order.</summary>
    private static float[][] LstmByHand(float[,,] x, int sample, IEnumerable<int> steps, float[,] kernel, float[,] recurrent, float[] bias)
    {
        int units = bias.Length / 4, features = x.GetLength(2);
        var h = new float[units];
        var c = new float[units];
        var outputs = new List<float[]>();
        foreach (int t in steps)
        {
            var z = new float[4 * units];
            for (int j = 0; j < 4 * units; j++)
            {
                double sum = bias[j];
                for (int k = 0; k < features; k++) sum += x[sample, t, k] * kernel[k, j];
                for (int k = 0; k < units; k++) sum += h[k] * recurrent[k, j];
                z[j] = (float)sum;
            }
            for (int u = 0; u < units; u++)
            {
                float i = HardSigmoidKeras2(z[u]), f = HardSigmoidKeras2(z[units + u]);
                float candidate = MathF.Tanh(z[2 * units + u]), o = HardSigmoidKeras2(z[3 * units + u]);
                c[u] = f * c[u] + i * candidate;
                h[u] = o * MathF.Tanh(c[u]);
            }
            outputs.Add((float[])h.Clone());
        }
        return outputs.ToArray();
    }

    [Test]
    public void Keras2BidirectionalLstmKeepsTheLegacyHardSigmoidInBothDirections()
    {
        // DL4J's Keras 2.1.3 file: Bidirectional(LSTM(10, recurrent_activation='hard_sigmoid', return_sequences=True)).
        var model = Keras.LoadModel(Fixtures.Keras("KonduitAI__dl4j-test-resources/modelimport/keras/weights/bidirectional_lstm_tensorflow_2.h5"));
        var bidirectional = (Bidirectional)model.Layers[^1];
        Assert.That(((LSTM)bidirectional.Backward).RecurrentActivation, Is.SameAs(ActivationFunction.HardSigmoidLegacy));
        var w = bidirectional.GetWeights();
        var x = new float[2, 4, 10];
        for (int s = 0; s < 2; s++)
            for (int t = 0; t < 4; t++)
                for (int k = 0; k < 10; k++) x[s, t, k] = (float)Math.Sin(1 + s * 40 + t * 10 + k) * 2;
        using var predicted = model.Predict(x);
        Assert.That(predicted.Shape, Is.EqualTo(new Shape(2, 4, 20)));
        var actual = predicted.ToArray<float>();
        for (int s = 0; s < 2; s++)
        {
            var forward = LstmByHand(x, s, [0, 1, 2, 3], (float[,])w[0], (float[,])w[1], (float[])w[2]);
            // Keras reverses the backward layer's sequence output back into time order.
            var backward = LstmByHand(x, s, [3, 2, 1, 0], (float[,])w[3], (float[,])w[4], (float[])w[5]).Reverse().ToArray();
            for (int t = 0; t < 4; t++)
            {
                var row = actual.Skip((s * 4 + t) * 20).Take(20).ToArray();
                Assert.That(row[..10], Is.EqualTo(forward[t]).Within(1e-5), $"forward, sample {s} step {t}");
                Assert.That(row[10..], Is.EqualTo(backward[t]).Within(1e-5), $"backward, sample {s} step {t}");
            }
        }
    }

    [Test]
    public void ACopyThroughTheConfigComputesTheSame()
    {
        var lstm = new LSTM(3, recurrentActivation: ActivationFunction.HardSigmoidLegacy);
        var copy = (LSTM)KerasRegistry.DeserializeLayer(new JsonObject { ["class_name"] = "LSTM", ["config"] = lstm.GetConfig().Json.DeepClone() });
        Assert.That(copy.RecurrentActivation, Is.SameAs(ActivationFunction.HardSigmoidLegacy));
        Assert.That(lstm.GetConfig().Json["recurrent_activation"]!.GetValue<string>(), Is.EqualTo("legacy_hard_sigmoid"));
        var modern = new Bidirectional(new LSTM(3, recurrentActivation: "hard_sigmoid"));
        Assert.That(((LSTM)modern.Backward).RecurrentActivation, Is.SameAs(ActivationFunction.HardSigmoid));
    }

    private static Model ConvModel(ActivationFunction activation)
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [6, 2]);
        return new Model(input, new Conv1D(3, 2, activation: activation, kernelInitializer: new Initializers.Constant(0.7)).Call(input));
    }

    private static float[,,] Ramp()
    {
        var x = new float[1, 6, 2];
        for (int t = 0; t < 6; t++) { x[0, t, 0] = t - 2.5f; x[0, t, 1] = 1.5f - t * 0.5f; }
        return x;
    }

    [Test]
    public void Keras2HardSigmoidOnAnyLayerIsRefusedByKerasFormatAndKeptByH5()
    {
        var model = ConvModel(ActivationFunction.HardSigmoidLegacy);
        string target = Path.Combine(_folder, "conv.keras");
        File.WriteAllText(target, "the previous file");
        var error = Assert.Throws<NotSupportedException>(() => model.Save(target))!;
        Assert.That(error.Message, Does.Contain("layer 'conv1d' (Conv1D)").And.Contain("hard_sigmoid").And.Contain(".h5"));
        Assert.That(File.ReadAllText(target), Is.EqualTo("the previous file"), "the refused save must not touch the target");
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1));

        string h5 = Path.Combine(_folder, "conv.h5");
        model.Save(h5);
        var again = Keras.LoadModel(h5);
        using var expected = model.Predict(Ramp());
        using var actual = again.Predict(Ramp());
        Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()));
        // clip(0.2 · 0.7 · (x0 + x1) + 0.5, 0, 1) at step 0: x = (-2.5, 1.5), kernel all 0.7, two taps (0.7 · (-2.5 + 1.5 - 1.5 + 1.0)).
        Assert.That(actual.ToArray<float>()[0], Is.EqualTo(HardSigmoidKeras2(0.7f * (-2.5f + 1.5f - 1.5f + 1.0f))).Within(1e-6));
    }

    [Test]
    public void AnUnregisteredCSharpActivationIsRefusedAtSaveNamingTheLayer()
    {
        Func<Tensor, Tensor> cube = t => Ops.Multiply(Ops.Multiply(t, t), t);
        var model = ConvModel(cube);
        foreach (string file in new[] { "f.keras", "f.h5" })
        {
            var error = Assert.Throws<NotSupportedException>(() => model.Save(Path.Combine(_folder, file)))!;
            Assert.That(error.Message, Does.Contain("layer 'conv1d' (Conv1D)").And.Contain("Keras.RegisterActivation"), file);
        }
        Assert.That(Directory.GetFiles(_folder), Is.Empty);
    }

    [Test]
    public void ARegisteredActivationSavesUnderItsNameAndLoads()
    {
        Func<Tensor, Tensor> cube = t => Ops.Multiply(Ops.Multiply(t, t), t);
        var registered = Keras.RegisterActivation("schema_test_cube", cube);
        Assert.That((ActivationFunction)cube, Is.SameAs(registered), "the registered function converts to its named activation");
        var model = ConvModel(cube);
        foreach (string file in new[] { "g.keras", "g.h5" })
        {
            string path = Path.Combine(_folder, file);
            model.Save(path);
            var again = Keras.LoadModel(path);
            Assert.That(((Conv1D)again.Layers[^1]).Activation.Name, Is.EqualTo("schema_test_cube"));
            using var expected = model.Predict(Ramp());
            using var actual = again.Predict(Ramp());
            Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()), file);
            float z = 0.7f * (-2.5f + 1.5f - 1.5f + 1.0f);
            Assert.That(actual.ToArray<float>()[0], Is.EqualTo(z * z * z).Within(1e-5), file);
        }
    }

    [Test]
    public void Keras1MergeLoadsAndSavesAsTheKeras2Layer()
    {
        string json = """
            {"class_name": "Model", "keras_version": "1.2.2", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "a", "config": {"batch_input_shape": [null, 3], "input_dtype": "float32", "sparse": false, "name": "a"}, "inbound_nodes": []},
              {"class_name": "InputLayer", "name": "b", "config": {"batch_input_shape": [null, 3], "input_dtype": "float32", "sparse": false, "name": "b"}, "inbound_nodes": []},
              {"class_name": "Merge", "name": "merged", "config": {"name": "merged", "mode": "cos", "concat_axis": -1, "dot_axes": -1, "mode_type": "raw",
                "output_shape": null, "output_shape_type": "raw", "output_mask": null, "output_mask_type": "raw", "arguments": {}},
               "inbound_nodes": [[["a", 0, 0], ["b", 0, 0]]]}],
              "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["merged", 0, 0]]}}
            """;
        var model = Keras.ModelFromJson(json);
        Assert.That(model.GetLayer("merged"), Is.TypeOf<Dot>());
        Assert.That(((Dot)model.GetLayer("merged")).Normalize, Is.True);
        var a = new float[,] { { 1, 2, 2 } };
        var b = new float[,] { { 2, 0, 0 } };
        using (var cosine = model.Predict([a, b]))
            Assert.That(cosine.ToArray<float>()[0], Is.EqualTo(1f / 3f).Within(1e-6), "cos = 2 / (3 · 2)");

        // A Merge made in C# saves as the layer its mode names, which tf.keras 2 and Keras 3 can load.
        Keras.ClearSession();
        var x = Keras.Input(shape: [3]);
        var y = Keras.Input(shape: [3]);
        var built = new Model([x, y], new Merge("concat", name: "joined").Call([x, y]));
        string path = Path.Combine(_folder, "merge.keras");
        built.Save(path);
        var again = Keras.LoadModel(path);
        Assert.That(again.GetLayer("joined"), Is.TypeOf<Concatenate>());
        using var joined = again.Predict([a, b]);
        Assert.That(joined.ToArray<float>(), Is.EqualTo(new[] { 1f, 2, 2, 2, 0, 0 }));
    }

    [Test]
    public void DictOutputsFollowKerasSortedOrder()
    {
        // Keras 3 flattens a dict of outputs in sorted key order (model.outputs), whatever order the config lists them in.
        string json = """
            {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "heads", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 2], "dtype": "float32", "name": "x"}, "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "Dense", "name": "z_head", "config": {"name": "z_head", "units": 1, "use_bias": false},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 2], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "name": "a_head", "config": {"name": "a_head", "units": 1, "use_bias": false},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 2], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]}],
              "input_layers": [["x", 0, 0]], "output_layers": {"z_head": ["z_head", 0, 0], "a_head": ["a_head", 0, 0]}}}
            """;
        var model = Keras.ModelFromJson(json);
        Assert.That(model.Outputs.Select(o => o.Layer.Name), Is.EqualTo(new[] { "a_head", "z_head" }));
        // model.layers (whose order numbers the weight paths layers/dense, layers/dense_1) follows the traversal of the
        // sorted outputs, as Keras 3's map_graph orders it.
        Assert.That(model.Layers.Select(l => l.Name).ToArray(), Is.EqualTo(new[] { "x", "a_head", "z_head" }));
    }

    [Test]
    public void ConfigErrorsNameTheLayerAndTheEntry()
    {
        static string Error(string denseConfig) => Assert.Throws<KerasFormatException>(() => Keras.ModelFromJson(
            $$$"""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Dense", "config": {{{denseConfig}}}}]}}"""))!.Message;

        Assert.That(Error("""{"name": "dense_2", "units": -5, "batch_input_shape": [null, 3]}"""),
            Is.EqualTo("Layer 'dense_2' (Dense): config entry 'units' is refused: Received an invalid value for `units`, expected a positive integer. Received: units=-5"));
        Assert.That(Error("""{"name": "dense_2", "units": "many"}"""),
            Is.EqualTo("Layer 'dense_2' (Dense): config entry 'units' should be an integer. Received: units=\"many\""));
        Assert.That(Error("""{"name": "dense_2", "units": 2.5}"""), Does.Contain("config entry 'units' should be an integer. Received: units=2.5"));
        Assert.That(Error("""{"name": "dense_2"}"""), Is.EqualTo("Layer 'dense_2' (Dense): config entry 'units' is missing."));
        Assert.That(Error("""{"name": 7, "units": 2}"""), Is.EqualTo("Layer '?' (Dense): config entry 'name' should be a string. Received: name=7"));
        Assert.That(Error("""{"name": "d", "units": 2, "kernel_initializer": {"class_name": "Mystery", "config": {}}}"""),
            Does.Contain("Layer 'd' (Dense): config entry 'kernel_initializer' names an unknown initializer class 'Mystery'"));
        Assert.That(Error("""{"name": "d", "units": 2, "lora_rank": 4}"""),
            Does.StartWith("Layer 'd' (Dense): config entry 'lora_rank' (4) is not an argument"));
        Assert.That(Error("""{"name": "d", "units": 2, "activation": "swoosh"}"""),
            Does.StartWith("Layer 'd' (Dense): config entry 'activation': Could not interpret activation function identifier: swoosh."));
    }

    [Test]
    public void AMissingEntryMeansTheConstructorDefault()
    {
        var model = Keras.ModelFromJson("""{"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "BatchNormalization", "config": {"name": "bn", "batch_input_shape": [null, 3]}}]}}""");
        var defaults = new BatchNormalization();
        var loaded = (BatchNormalization)model.GetLayer("bn");
        Assert.That((loaded.Momentum, loaded.Epsilon, loaded.Axis, loaded.Center, loaded.Scale),
            Is.EqualTo((defaults.Momentum, defaults.Epsilon, defaults.Axis, defaults.Center, defaults.Scale)));
        Assert.That(loaded.Epsilon, Is.EqualTo(1e-3), "Keras's default");
    }

    [Test]
    public void Keras1NamesAreUpgradedOnce()
    {
        string json = """
            {"class_name": "Sequential", "keras_version": "1.2.2", "config": [
              {"class_name": "Dense", "config": {"name": "d", "output_dim": 2, "input_dim": 3, "init": "one", "bias": false, "activation": "hard_sigmoid",
                "W_regularizer": {"name": "WeightRegularizer", "l1": 0.0, "l2": 0.5}, "b_regularizer": null, "W_constraint": null, "b_constraint": null,
                "activity_regularizer": null, "batch_input_shape": [null, 3], "input_dtype": "float32", "trainable": true}}]}
            """;
        var model = Keras.ModelFromJson(json);
        var dense = (Dense)model.GetLayer("d");
        Assert.That((dense.Units, dense.UseBias, dense.KernelInitializer.GetType(), dense.KernelRegularizer?.GetType()),
            Is.EqualTo((2, false, typeof(Initializers.Ones), typeof(Regularizers.L1L2))));
        Assert.That(dense.Activation, Is.SameAs(ActivationFunction.HardSigmoidLegacy), "Keras 1's hard_sigmoid is clip(0.2x + 0.5, 0, 1)");
        using var y = model.Predict(new float[,] { { 1, 0.5f, -0.25f } });
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { HardSigmoidKeras2(1.25f), HardSigmoidKeras2(1.25f) }).Within(1e-6));
    }

    [Test]
    public void ASaveRemovesTheTemporariesOfKilledSavesButNotOfLiveOnes()
    {
        var model = ConvModel("relu");
        string target = Path.Combine(_folder, "m.keras");
        string stale = Path.Combine(_folder, $".m.keras.{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(_folder, $".m.keras.{Guid.NewGuid():N}.tmp");
        string other = Path.Combine(_folder, $".other.keras.{Guid.NewGuid():N}.tmp");
        foreach (string file in new[] { stale, live, other }) File.WriteAllText(file, "partial");
        using (new FileStream(live, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            model.Save(target);
        Assert.That(File.Exists(stale), Is.False, "left by a killed save of the same target");
        Assert.That(File.Exists(live), Is.True, "held by a save still running");
        Assert.That(File.Exists(other), Is.True, "another target's");
        Assert.That(File.Exists(target), Is.True);
    }
}

/// <summary>Save writes the whole compile config (Keras 3's compile_config, Keras 2's training_config) and LoadModel(compile: true) restores it.</summary>
public class CompileConfigTests
{
    private static Model TwoHeads()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3], name: "x");
        var a = new Dense(1, activation: "sigmoid", name: "a").Call(input);
        var b = new Dense(2, activation: "softmax", name: "b").Call(input);
        return new Model(input, [a, b]);
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void EveryCompileArgumentSurvivesASave(string file)
    {
        var model = TwoHeads();
        var optimizer = new Optimizers.Adam(learningRate: 0.005, beta1: 0.8, beta2: 0.95, epsilon: 1e-5, amsgrad: true, clipnorm: 2.5)
        {
            Schedule = new Optimizers.ExponentialDecay(0.005, 100, 0.5, staircase: true),
        };
        model.Compile(optimizer,
            loss: new Dictionary<string, Losses.Loss> { ["a"] = new Losses.BinaryCrossentropy(labelSmoothing: 0.1), ["b"] = new Losses.CategoricalCrossentropy(fromLogits: false) },
            lossWeights: new Dictionary<string, double> { ["a"] = 1.0, ["b"] = 0.25 },
            metrics: new Dictionary<string, string[]> { ["a"] = ["accuracy"], ["b"] = ["categorical_accuracy", "mse"] });
        string folder = TemporaryFolder.Create("compile");
        try
        {
            string path = Path.Combine(folder, file);
            model.Save(path);
            var again = Keras.LoadModel(path, compile: true);
            var restored = (Optimizers.Adam)again.Optimizer!;
            Assert.That((restored.LearningRate, restored.Beta1, restored.Beta2, restored.Epsilon, restored.Amsgrad, restored.Clipnorm),
                Is.EqualTo((0.005, 0.8, 0.95, 1e-5, true, (double?)2.5)));
            Assert.That(restored.Schedule, Is.TypeOf<Optimizers.ExponentialDecay>());
            Assert.That(restored.Schedule!.Call(250), Is.EqualTo(0.005 * 0.25).Within(1e-12), "staircase: two halvings by step 250");
            var arguments = again.CompileArguments!.Value;
            Assert.That(arguments.Losses[0]!.GetConfig().ToJsonString(), Is.EqualTo(model.CompileArguments!.Value.Losses[0]!.GetConfig().ToJsonString()));
            Assert.That(arguments.Losses[1], Is.TypeOf<Losses.CategoricalCrossentropy>());
            Assert.That(arguments.LossWeights, Is.EqualTo(new[] { 1.0, 0.25 }));
            Assert.That(arguments.Metrics.Select(m => m.Select(x => x.Name).ToArray()).ToArray(),
                Is.EqualTo(new[] { new[] { "accuracy" }, new[] { "categorical_accuracy", "mse" } }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Keras2OptimizerConfigsAreUpgraded()
    {
        var model = TwoHeads();
        var trainingConfig = JsonNode.Parse("""
            {"optimizer_config": {"class_name": "SGD", "config": {"lr": 0.1, "momentum": 0.9, "decay": 0.5, "nesterov": true}},
             "loss": ["binary_crossentropy", "categorical_crossentropy"], "metrics": [["acc"], []], "loss_weights": [1.0, 0.2], "sample_weight_mode": null}
            """)!.AsObject();
        trainingConfig.Remove("sample_weight_mode");
        CompileConfig.Apply(model, trainingConfig, "old.h5");
        var sgd = (Optimizers.SGD)model.Optimizer!;
        Assert.That((sgd.LearningRate, sgd.Momentum, sgd.Nesterov), Is.EqualTo((0.1, 0.9, true)));
        // Keras 2's decay: lr / (1 + decay · iterations).
        Assert.That(sgd.Schedule!.Call(3), Is.EqualTo(0.1 / (1 + 0.5 * 3)).Within(1e-12));
        Assert.That(model.CompileArguments!.Value.LossWeights, Is.EqualTo(new[] { 1.0, 0.2 }));
        Assert.That(model.CompileArguments!.Value.Metrics[0].Single().Name, Is.EqualTo("acc"));
    }

    [Test]
    public void AMalformedTrainingConfigNamesTheEntry()
    {
        var model = TwoHeads();
        var config = JsonNode.Parse("""{"optimizer": {"class_name": "Adam", "config": {"learning_rate": "fast"}}}""")!.AsObject();
        var error = Assert.Throws<KerasFormatException>(() => CompileConfig.Apply(model, config, "bad.keras"))!;
        Assert.That(error.Message, Does.StartWith("bad.keras: its training configuration cannot be restored:").And.Contain("'learning_rate' should be a number"));
    }
}
