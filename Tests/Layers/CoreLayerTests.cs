namespace TfFunctional.Tests.Layers;

public class CoreLayerTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    [Test]
    public void DenseActsOnTheLastAxisOfSequences()
    {
        var x = Keras.Input(shape: [3, 2]);
        var dense = new Dense(4);
        var y = dense.Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 3, 4)));
        var kernel = Reference.Matrix(2, 4, 3);
        var bias = Reference.Vector(4, 4);
        dense.SetWeights([kernel, bias]);
        var data = Reference.Matrix(3, 2, 5);
        using var input = Tensor.From(data.Cast<float>().ToArray(), 1, 3, 2);
        using var output = dense.Call(input);
        var expected = Reference.Dense(Reference.ToDouble(data), kernel, bias);
        Assert.That(output.Shape, Is.EqualTo(new Shape(1, 3, 4)));
        Assert.That(output.ToArray<float>(), Is.EqualTo(Reference.Flatten(expected)).Within(1e-6));
    }

    [Test]
    public void LargeDenseKernelsComputeAndSaveInKerasLayout()
    {
        // 1024 × 300 = 307,200 elements: stored (units, in) for speed; every number and file must still be Keras's.
        var input = Keras.Input(shape: [1024]);
        var dense = new Dense(300, activation: "relu");
        var model = new Model(input, dense.Call(input));
        Assert.That(dense.Kernel.Value.Shape, Is.EqualTo(new Shape(300, 1024)), "runtime layout");
        Assert.That(dense.Kernel.Shape, Is.EqualTo(new Shape(1024, 300)), "Keras layout");
        var kernel = Reference.Matrix(1024, 300, 7);
        var bias = Reference.Vector(300, 8);
        dense.SetWeights([kernel, bias]);
        Assert.That(dense.GetWeights()[0], Is.EqualTo(kernel));
        var data = Reference.Matrix(2, 1024, 9);
        var expected = Reference.Dense(Reference.ToDouble(data), kernel, bias, Reference.Relu);
        using (var output = model.Predict(data))
            Assert.That(output.ToArray<float>(), Is.EqualTo(Reference.Flatten(expected)).Within(1e-4));

        // d/dW sum(x·W) = xᵀ·1 where the unit is active: column j of the Keras-layout gradient is Σ over active rows.
        using (var scope = Ops.NewScope())
        {
            using var x = Tensor.From(data);
            var y = Ops.Sum(dense.Call(x, training: true));
            var gradient = Ops.Transpose(Ops.Gradients(y, [dense.Kernel.Value])[0]!, 1, 0).ToArray<float>();
            for (int i = 0; i < 1024; i += 97)
                for (int j = 0; j < 300; j += 31)
                {
                    double value = Enumerable.Range(0, 2).Where(r => expected[r, j] > 0).Sum(r => (double)data[r, i]);
                    Assert.That(gradient[i * 300 + j], Is.EqualTo(value).Within(1e-5), $"kernel gradient [{i}, {j}]");
                }
        }

        foreach (string extension in new[] { ".keras", ".h5" })
        {
            string path = Path.Combine(Path.GetTempPath(), $"tffunctional-large-dense-{Guid.NewGuid():N}{extension}");
            try
            {
                model.Save(path);
                var loaded = Keras.LoadModel(path);
                Assert.That(loaded.Layers[1].GetWeights()[0], Is.EqualTo(kernel), extension);
                using var reloaded = loaded.Predict(data);
                Assert.That(reloaded.ToArray<float>(), Is.EqualTo(Reference.Flatten(expected)).Within(1e-4), extension);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Test]
    public void DenseWithoutBiasHasOnlyAKernel()
    {
        var dense = new Dense(3, useBias: false);
        dense.Build(null, 5);
        Assert.That(dense.Weights.Select(w => w.Name), Is.EqualTo(new[] { "kernel" }));
        Assert.That(dense.CountParams(), Is.EqualTo(15L));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0));
    }

    [Test]
    public void DenseConfigUsesKerasKeys()
    {
        var dense = new Dense(8, activation: "relu", kernelRegularizer: new Regularizers.L2(0.001), name: "hidden");
        var json = dense.GetConfig().Json;
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[]
        {
            "name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint",
        }));
        Assert.That(json["activation"]!.GetValue<string>(), Is.EqualTo("relu"));
        Assert.That(json["kernel_initializer"]!.ToJsonString(), Is.EqualTo("{\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null}}"));
        Assert.That(json["kernel_regularizer"]!.ToJsonString(), Is.EqualTo("{\"class_name\":\"L2\",\"config\":{\"l2\":0.001}}"));
        Assert.That(json["bias_regularizer"], Is.Null);
    }

    [Test]
    public void FlattenKeepsHeightWidthChannelOrder()
    {
        var values = Enumerable.Range(0, 2 * 2 * 3).Select(i => (float)i).ToArray();
        using var x = Tensor.From(values, 1, 2, 2, 3);
        using var y = new Flatten().Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(1, 12)));
        Assert.That(y.ToArray<float>(), Is.EqualTo(values));

        // channels_first input (1, C=3, H=2, W=2) flattens in (H, W, C) order, as Keras does.
        using var cf = Tensor.From(values, 1, 3, 2, 2);
        using var z = new Flatten(dataFormat: "channels_first").Call(cf);
        Assert.That(z.ToArray<float>().Take(6), Is.EqualTo(new[] { 0f, 4, 8, 1, 5, 9 }));
        Assert.That(new Flatten().Call(Keras.Input(shape: [null, 3])).Shape, Is.EqualTo(new Shape(null, null)));
    }

    [Test]
    public void ReshapeInfersTheMinusOne()
    {
        var x = Keras.Input(shape: [12]);
        var y = new Reshape([3, -1]).Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 3, 4)));
        using var data = Tensor.From(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), 2, 12);
        using var reshaped = new Model(x, y).Predict(data);
        Assert.That(reshaped.Shape, Is.EqualTo(new Shape(2, 3, 4)));
        Assert.That(reshaped.ToArray<float>(), Is.EqualTo(data.ToArray<float>()));
        Assert.Throws<ArgumentException>(() => new Reshape([-1, -1]));
    }

    [Test]
    public void PermuteSwapsAxesOneBased()
    {
        var x = Keras.Input(shape: [2, 3]);
        var y = new Permute([2, 1]).Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 3, 2)));
        using var data = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 1, 2, 3);
        using var permuted = new Model(x, y).Predict(data);
        Assert.That(permuted.ToArray<float>(), Is.EqualTo(new[] { 1f, 4, 2, 5, 3, 6 }));
        Assert.Throws<ArgumentException>(() => new Permute([0, 1]));
    }

    [Test]
    public void RepeatVectorRepeatsEachSample()
    {
        var x = Keras.Input(shape: [2]);
        var y = new RepeatVector(3).Call(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 3, 2)));
        using var data = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var repeated = new Model(x, y).Predict(data);
        Assert.That(repeated.ToArray<float>(), Is.EqualTo(new[] { 1f, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4 }));
        var error = Assert.Throws<ArgumentException>(() => new RepeatVector(2).Call(Keras.Input(shape: [2, 2])))!;
        Assert.That(error.Message, Does.Contain("expected ndim=2, found ndim=3"));
    }

    [Test]
    public void LambdaInfersOrTakesItsOutputShape()
    {
        var x = Keras.Input(shape: [4]);
        var squared = new Lambda(t => Ops.Square(t)).Call(x);
        Assert.That(squared.Shape, Is.EqualTo(new Shape(null, 4)));
        var summed = new Lambda(t => Ops.Sum(t, 1, keepDims: true), outputShape: s => new Shape(s[0], 1)).Call(squared);
        Assert.That(summed.Shape, Is.EqualTo(new Shape(null, 1)));
        using var y = new Model(x, summed).Predict(new float[,] { { 1, 2, 3, 4 } });
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 30f }));
    }

    [Test]
    public void DropoutIsActiveOnlyWhileTraining()
    {
        var dropout = new Dropout(0.5);
        using var ones = Ops.Ones([200, 50]);
        using var inference = dropout.Call(ones);
        Assert.That(inference.ToArray<float>().Distinct(), Is.EqualTo(new[] { 1f }));
        using var training = dropout.Call(ones, training: true);
        var values = training.ToArray<float>();
        Assert.That(values.Distinct().Order(), Is.EqualTo(new[] { 0f, 2f }), "kept values are scaled by 1 / (1 - rate)");
        Assert.That(values.Count(v => v == 0) / (double)values.Length, Is.EqualTo(0.5).Within(0.03));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0));
    }

    [Test]
    public void DropoutNoiseShapeSharesTheMaskAlongAxes()
    {
        using var ones = Ops.Ones([4, 10, 6]);
        using var y = new Dropout(0.5, noiseShape: [4, 1, 6]).Call(ones, training: true);
        var values = y.ToArray<float>();
        for (int b = 0; b < 4; b++)
            for (int f = 0; f < 6; f++)
            {
                var column = Enumerable.Range(0, 10).Select(t => values[(b * 10 + t) * 6 + f]).Distinct().ToArray();
                Assert.That(column, Has.Length.EqualTo(1), "one mask value per (batch, feature) across time");
            }
    }

    [Test]
    public void TrainableFlagFreezesWeights()
    {
        var dense = new Dense(2);
        dense.Build(null, 3);
        Assert.That(dense.TrainableWeights, Has.Count.EqualTo(2));
        dense.Trainable = false;
        Assert.That(dense.TrainableWeights, Is.Empty);
        Assert.That(dense.NonTrainableWeights, Has.Count.EqualTo(2));
    }

    [Test]
    public void EagerCallBuildsFromTheTensorShape()
    {
        var dense = new Dense(2, kernelInitializer: "ones", biasInitializer: new Initializers.Constant(0.5));
        using var x = Tensor.From(new float[] { 1, 2, 3 }, 1, 3);
        using var y = dense.Call(x);
        Assert.That(dense.Built, Is.True);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 6.5f, 6.5f }));
    }

    [Test]
    public void GradientsFlowToDenseWeights()
    {
        // d/dW sum(x·W + b) = xᵀ·1 ; d/db = batch size.
        var dense = new Dense(2, kernelInitializer: "ones");
        using var x = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        dense.Build(null, 3);
        using var scope = Ops.NewScope();
        var y = Ops.Sum(dense.Call(x, training: true));
        var grads = Ops.Gradients(y, dense.TrainableWeights.Select(w => w.Value).ToArray());
        Assert.That(grads[0]!.ToArray<float>(), Is.EqualTo(new[] { 5f, 5, 7, 7, 9, 9 }));
        Assert.That(grads[1]!.ToArray<float>(), Is.EqualTo(new[] { 2f, 2 }));
    }
}
