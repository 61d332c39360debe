namespace TfFunctional.Tests.Export;

/// <summary><c>CreateBoundPredictor</c>: fixed buffers that give Predict's numbers on either engine and follow weights and engine switches.</summary>
public class BoundPredictorTests
{
    private static readonly InferenceEngine[] Engines = [InferenceEngine.LibTorch, InferenceEngine.OnnxRuntime];

    private static void Use(Model model, InferenceEngine engine)
    {
        if (engine == InferenceEngine.OnnxRuntime) model.UseOnnxRuntime();
        else model.UseLibTorch();
    }

    /// <summary>Dense(2) with W = [[1, 2], [3, 4], [5, 6]] and b = [0.5, −1] (by hand, x·W + b), on <paramref name="engine"/>.</summary>
    private static Model HandSetDense(InferenceEngine engine)
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3]);
        var model = new Model(input, new Dense(2).Call(input));
        model.SetWeights([new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, new[] { 0.5f, -1f }]);
        Use(model, engine);
        return model;
    }

    [TestCaseSource(nameof(Engines))]
    public void GivesHandComputedValues(InferenceEngine engine)
    {
        using var model = HandSetDense(engine);
        using var predictor = model.CreateBoundPredictor(batchSize: 2);
        Assert.That(predictor.BatchSize, Is.EqualTo(2));
        Assert.That(predictor.Inputs[0].Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(predictor.Outputs[0].Shape, Is.EqualTo(new Shape(2, 2)));

        predictor.SetInput(0, new[] { 1f, 0, -1, 0, 1, 0 });
        predictor.Run();
        Assert.That(predictor.Output<float>(0).ToArray(), Is.EqualTo(new[] { -3.5f, -5f, 3.5f, 3f }).Within(1e-6));
        // A second run reads the inputs again: [2, 1, 0] → [5.5, 7], [0, 0, 1] → [5.5, 5].
        predictor.SetInput(0, new[] { 2f, 1, 0, 0, 0, 1 });
        predictor.Run();
        Assert.That(predictor.Output<float>(0).ToArray(), Is.EqualTo(new[] { 5.5f, 7f, 5.5f, 5f }).Within(1e-6));
        Assert.That(predictor.Outputs[0].ToArray<float>(), Is.EqualTo(new[] { 5.5f, 7f, 5.5f, 5f }).Within(1e-6), "the output tensor is the same memory");
    }

    /// <summary>
    /// Bound under ONNX Runtime, the predictor follows new weights (the engine exports again and the binding moves to the
    /// new session) and engine switches (libtorch, then a new ONNX Runtime engine).
    /// </summary>
    [Test]
    public void FollowsWeightsAndEngineSwitches()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [4]);
        var hidden = new Dense(5, activation: "tanh").Call(input);
        using var model = new Model(input, new Dense(3, activation: "softmax").Call(hidden));
        float[,] x = { { 1, -2, 0.5f, 3 }, { 0, 0.25f, -1, 2 } };
        var flat = x.Cast<float>().ToArray();
        model.UseOnnxRuntime();
        using var predictor = model.CreateBoundPredictor(batchSize: 2);
        predictor.SetInput(0, flat);

        float[] Expected()
        {
            var engine = model.InferenceEngine;
            model.UseLibTorch();
            using var y = model.Predict(x);
            Use(model, engine);
            return y.ToArray<float>();
        }

        predictor.Run();
        var before = predictor.Output<float>(0).ToArray();
        OnnxExportTests.AssertClose(before, Expected(), "bound under ONNX Runtime");

        var weights = model.GetWeights().Select(w => (Array)w.Clone()).ToArray();
        ((float[])weights[^1])[0] += 1;
        model.SetWeights(weights);
        predictor.Run();
        var after = predictor.Output<float>(0).ToArray();
        Assert.That(OnnxExportTests.Close(after, before), Is.False, "the new bias changed the outputs");
        OnnxExportTests.AssertClose(after, Expected(), "after SetWeights");

        ((float[])weights[^1])[1] -= 2;
        model.SetWeights(weights);
        model.UseLibTorch();
        predictor.Run();
        OnnxExportTests.AssertClose(predictor.Output<float>(0).ToArray(), Expected(), "after switching to libtorch");
        model.UseOnnxRuntime();
        predictor.Run();
        OnnxExportTests.AssertClose(predictor.Output<float>(0).ToArray(), Expected(), "on a new ONNX Runtime engine");
    }

    /// <summary>A predictor made inside a memory scope keeps its buffers after the scope closes (they belong to the predictor).</summary>
    [TestCaseSource(nameof(Engines))]
    public void OutlivesTheMemoryScopeItWasMadeIn(InferenceEngine engine)
    {
        using var model = HandSetDense(engine);
        BoundPredictor predictor;
        using (Ops.NewScope()) predictor = model.CreateBoundPredictor();
        using (predictor)
        {
            predictor.SetInput(0, new[] { 1f, 0, -1 });
            predictor.Run();
            Assert.That(predictor.Output<float>(0).ToArray(), Is.EqualTo(new[] { -3.5f, -5f }).Within(1e-6));
        }
    }

    private static Model TwoInputsTwoOutputs()
    {
        Keras.ClearSession();
        var ids = Keras.Input(shape: [4], dtype: "int32", name: "ids");
        var features = Keras.Input(shape: [2], name: "features");
        var pooled = new GlobalAveragePooling1D().Call(new Embedding(7, 3).Call(ids));
        var joined = new Concatenate().Call([pooled, features]);
        var score = new Dense(1, activation: "sigmoid", name: "score").Call(joined);
        var classes = new Dense(3, activation: "softmax", name: "classes").Call(joined);
        return new Model([ids, features], [score, classes]);
    }

    [TestCaseSource(nameof(Engines))]
    public void NamesInputsAndOutputsAsTheModelDoes(InferenceEngine engine)
    {
        using var model = TwoInputsTwoOutputs();
        int[,] ids = { { 0, 1, 2, 3 }, { 6, 5, 4, 0 } };
        float[,] features = { { 0.5f, -1 }, { 2, 0 } };
        var expected = model.PredictOutputs([ids, features]);
        Use(model, engine);
        using var predictor = model.CreateBoundPredictor(batchSize: 2);
        predictor.SetInput("features", features.Cast<float>().ToArray());
        predictor.SetInput("ids", ids.Cast<int>().ToArray());
        predictor.Run();
        OnnxExportTests.AssertClose(predictor.Output<float>("score").ToArray(), expected[0].ToArray<float>(), "score");
        OnnxExportTests.AssertClose(predictor.Output<float>("classes").ToArray(), expected[1].ToArray<float>(), "classes");
        OnnxExportTests.AssertClose(predictor.Output<float>(1).ToArray(), expected[1].ToArray<float>(), "classes by index");
        foreach (var tensor in expected) tensor.Dispose();
    }

    [TestCaseSource(nameof(Engines))]
    public void RefusesWhatDoesNotFit(InferenceEngine engine)
    {
        using var model = TwoInputsTwoOutputs();
        Use(model, engine);
        using var predictor = model.CreateBoundPredictor(batchSize: 2);
        var wrongType = Assert.Throws<ArgumentException>(() => predictor.SetInput(0, new float[8]));
        Assert.That(wrongType!.Message, Is.EqualTo($"Model \"{model.Name}\" input 0 ('ids') is int32: it cannot be read or written as Single."));
        var wrongCount = Assert.Throws<ArgumentException>(() => predictor.SetInput("features", new float[3]));
        Assert.That(wrongCount!.Message, Is.EqualTo($"Model \"{model.Name}\" input 1 ('features') takes 4 values (shape (2, 2)), but 3 were given."));
        var unknown = Assert.Throws<ArgumentException>(() => predictor.SetInput("feature", new float[4]));
        Assert.That(unknown!.Message, Does.StartWith($"Model \"{model.Name}\" has no input named 'feature': its inputs are [ids, features]."));
        Assert.Throws<ArgumentOutOfRangeException>(() => predictor.Output<float>(2));
        Assert.Throws<ArgumentException>(() => predictor.Output<int>("score"));

        // An id outside the Embedding's range: libtorch's error, naming the layer (ONNX Runtime's refusal is not shown).
        predictor.SetInput("ids", new[] { 0, 1, 2, 3, 4, 7, 6, 0 });
        var badId = Assert.Throws<ArgumentException>(() => predictor.Run());
        Assert.That(badId!.Message, Does.Contain("indices[1,1] = 7 is not in [0, 7)"));
        predictor.SetInput("ids", new[] { 0, 1, 2, 3, 4, 5, 6, 0 });
        Assert.DoesNotThrow(() => predictor.Run(), "the predictor works again with good ids");
    }

    /// <summary>Holds a call until released (once armed), so that a test can hold a run in the middle.</summary>
    private sealed class Gate : Layer
    {
        public readonly ManualResetEventSlim Entered = new();
        public readonly ManualResetEventSlim Released = new();
        public volatile bool Armed;

        protected override Tensor CallCore(Tensor inputs, CallContext context)
        {
            if (Armed)
            {
                Entered.Set();
                Released.Wait();
            }
            return Ops.Multiply(inputs, 2.0);
        }
    }

    [Test]
    public void ASecondThreadIsRefusedWhileARunIsUnderway()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [2]);
        var gate = new Gate();
        using var model = new Model(input, gate.Call(input));
        using var predictor = model.CreateBoundPredictor();
        predictor.SetInput(0, new[] { 1f, -3 });
        gate.Armed = true;
        var first = Task.Run(predictor.Run);
        Assert.That(gate.Entered.Wait(TimeSpan.FromSeconds(30)), "the first run reached the gate");
        gate.Armed = false;   // a second run let through would pass the gate and finish, failing the assertion below
        var error = Assert.Throws<InvalidOperationException>(() => predictor.Run());
        Assert.That(error!.Message, Is.EqualTo($"A bound predictor of model \"{model.Name}\" runs one call at a time: make one per thread."));
        gate.Released.Set();
        first.Wait();
        Assert.That(predictor.Output<float>(0).ToArray(), Is.EqualTo(new[] { 2f, -6 }), "the first run finished");
        Assert.DoesNotThrow(predictor.Run, "a run after it is let through");
    }

    [Test]
    public void AnOpenDimensionIsRefusedAndADisposedPredictorSaysSo()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [null, 2], name: "steps");
        using var open = new Model(input, new LSTM(3).Call(input));
        var error = Assert.Throws<ArgumentException>(() => open.CreateBoundPredictor());
        Assert.That(error!.Message, Does.StartWith($"Input 'steps' of model \"{open.Name}\" has shape (None, None, 2)"));

        using var model = TwoInputsTwoOutputs();
        var predictor = model.CreateBoundPredictor();
        predictor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => predictor.Run());
        Assert.Throws<ObjectDisposedException>(() => predictor.SetInput(0, new int[4]));
    }
}
