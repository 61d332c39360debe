using TfFunctional.Tests.Layers;

namespace TfFunctional.Tests.Export;

/// <summary><c>UseOnnxRuntime</c>: the same numbers, names and errors as libtorch, and a snapshot that follows the weights.</summary>
public class OnnxRuntimeEngineTests
{
    private static Model Mlp()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [6], name: "features");
        var hidden = new Dense(8, activation: "relu").Call(input);
        var output = new Dense(3, activation: "softmax", name: "scores").Call(hidden);
        var model = new Model(input, output);
        model.Compile("sgd", "categorical_crossentropy");
        return model;
    }

    private static readonly float[,] X = { { 1, 2, 3, 4, 5, 6 }, { -1, 0, 1, 0.5f, 2, -3 }, { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f } };

    [Test]
    public void PredictsWhatLibTorchPredicts()
    {
        using var model = Mlp();
        using var expected = model.Predict(X);
        model.UseOnnxRuntime();
        Assert.That(model.InferenceEngine, Is.EqualTo(InferenceEngine.OnnxRuntime));
        using var actual = model.Predict(X);
        OnnxExportTests.AssertClose(actual.ToArray<float>(), expected.ToArray<float>(), "ONNX Runtime engine");
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape));
        model.UseLibTorch();
        Assert.That(model.InferenceEngine, Is.EqualTo(InferenceEngine.LibTorch));
    }

    [Test]
    public void FollowsTrainingAndSetWeights()
    {
        using var model = Mlp();
        model.UseOnnxRuntime();
        using var before = model.Predict(X);
        model.TrainOnBatch(X, new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        using var afterTraining = model.Predict(X);
        Assert.That(OnnxExportTests.Close(afterTraining.ToArray<float>(), before.ToArray<float>()), Is.False, "training changed the predictions");
        model.UseLibTorch();
        using var libtorch = model.Predict(X);
        OnnxExportTests.AssertClose(afterTraining.ToArray<float>(), libtorch.ToArray<float>(), "after training");

        model.UseOnnxRuntime();
        var weights = model.GetWeights().Select(w => (Array)w.Clone()).ToArray();
        ((float[])weights[^1])[0] += 1;
        model.SetWeights(weights);
        using var afterSet = model.Predict(X);
        model.UseLibTorch();
        using var expected = model.Predict(X);
        OnnxExportTests.AssertClose(afterSet.ToArray<float>(), expected.ToArray<float>(), "after SetWeights");
    }

    [Test]
    public void BadIdsRaiseLibTorchsError()
    {
        var row = LayerCatalogue.Cases.Single(r => r.Name == "Embedding");
        Keras.ClearSession();
        using var model = LayerTest.BuildModel(row, out _);
        model.UseOnnxRuntime();
        foreach (int bad in new[] { 7, -1 })
        {
            var ids = new int[,] { { 0, 1, 2, 3 }, { 4, bad, 6, 0 } };
            var error = Assert.Throws<ArgumentException>(() => model.Predict(ids).Dispose());
            Assert.That(error!.Message, Does.Contain($"indices[1,1] = {bad} is not in [0, 7)"));
        }
        using var good = model.Predict(new int[,] { { 0, 1, 2, 3 } });
        Assert.That(good.Shape, Is.EqualTo(new Shape(1, 4, 3)));
    }

    /// <summary>
    /// The session holds no copy of an Embedding's table: it reads the variable's own memory. Shown by changing the table
    /// in place behind the engine's back (no stale mark, so no new export): ONNX Runtime's answer moves with it.
    /// </summary>
    [Test]
    public void TheSessionReadsAnEmbeddingTableInPlace()
    {
        Keras.ClearSession();
        var ids = Keras.Input(shape: [3], dtype: "int32");
        var embedding = new Embedding(5, 2, name: "table");
        using var model = new Model(ids, embedding.Call(ids));
        model.UseOnnxRuntime();
        var input = new int[,] { { 0, 4, 2 } };
        using var before = model.Predict(input);
        using (TorchSharp.torch.no_grad()) embedding.Weights[0].Value.Native.add_(1.0);
        using var after = model.Predict(input);
        Assert.That(after.ToArray<float>(), Is.EqualTo(before.ToArray<float>().Select(v => v + 1)).Within(1e-6f));
    }

    [Test]
    public void ConcurrentPredictsAgree()
    {
        using var model = Mlp();
        using var expected = model.Predict(X);
        model.UseOnnxRuntime();
        var values = expected.ToArray<float>();
        Parallel.For(0, 64, _ =>
        {
            using var y = model.Predict(X);
            if (!OnnxExportTests.Close(y.ToArray<float>(), values)) throw new AssertionException("a concurrent Predict differed");
        });
    }

    /// <summary>Open sizes (outputs ONNX Runtime must allocate) and inputs that are views of other tensors.</summary>
    [Test]
    public void OpenSizesAndNonContiguousInputs()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [null, 2]);
        using var model = new Model(input, new Conv1D(3, 2, padding: "same", activation: "tanh").Call(input));
        using var storage = Tensor.From(Enumerable.Range(0, 28).Select(k => (float)Math.Sin(k)).ToArray(), 2, 2, 7);
        using var view = Ops.Transpose(storage, 0, 2, 1);   // (2, 7, 2), not contiguous
        using var expected = model.Predict(view);
        model.UseOnnxRuntime();
        using var actual = model.Predict(view);
        Assert.That(actual.Shape, Is.EqualTo(new Shape(2, 7, 3)));
        OnnxExportTests.AssertClose(actual.ToArray<float>(), expected.ToArray<float>(), "open time axis, transposed input");
    }

    [Test]
    public void AModelOnnxCannotExpressStaysOnLibTorch()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3]);
        var doubled = new Lambda(t => Ops.Multiply(t, 2.0), name: "double_it").Call(input);
        using var model = new Model(input, new Dense(2).Call(doubled));
        var error = Assert.Throws<NotSupportedException>(() => model.UseOnnxRuntime());
        Assert.That(error!.Message, Does.Contain("\"double_it\"").And.Contain("Lambda"));
        Assert.That(model.InferenceEngine, Is.EqualTo(InferenceEngine.LibTorch));
        using var y = model.Predict(new float[,] { { 1, 2, 3 } });
        Assert.That(y.Shape, Is.EqualTo(new Shape(1, 2)));
    }
}
