namespace TfFunctional.Tests.Graph;

/// <summary>The structural examples of the Keras functional-API guide that use only core layers.</summary>
public class GuideModelTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static (Model Model, KerasTensor Inputs) FirstModel()
    {
        var inputs = Keras.Input(shape: [784]);
        var x = new Dense(64, activation: "relu").Call(inputs);
        x = new Dense(64, activation: "relu").Call(x);
        var predictions = new Dense(10, activation: "softmax").Call(x);
        return (new Model(inputs: inputs, outputs: predictions), inputs);
    }

    [Test]
    public void FirstModelHasKerasNamesShapesAndParameterCount()
    {
        var (model, _) = FirstModel();
        Assert.That(model.Name, Is.EqualTo("model"));
        Assert.That(model.Layers.Select(l => l.Name), Is.EqualTo(new[] { "input_1", "dense", "dense_1", "dense_2" }));
        Assert.That(model.CountParams(), Is.EqualTo(55_050L));
        Assert.That(model.Layers.Select(l => l.OutputShape.ToString()),
            Is.EqualTo(new[] { "(None, 784)", "(None, 64)", "(None, 64)", "(None, 10)" }));
        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new Shape(null, 10)));
        Assert.That(model.GetLayer("dense_1").Weights.Select(w => w.Path), Is.EqualTo(new[] { "dense_1/kernel", "dense_1/bias" }));
        Assert.That(model.Weights.Select(w => w.Shape.ToString()),
            Is.EqualTo(new[] { "(784, 64)", "(64,)", "(64, 64)", "(64,)", "(64, 10)", "(10,)" }));
    }

    [Test]
    public void FirstModelPredictsWhatANaiveComputationGives()
    {
        var (model, _) = FirstModel();
        var kernels = new[] { Reference.Matrix(784, 64, 1), Reference.Matrix(64, 64, 2), Reference.Matrix(64, 10, 3) };
        var biases = new[] { Reference.Vector(64, 4), Reference.Vector(64, 5), Reference.Vector(10, 6) };
        for (int i = 0; i < 3; i++)
            model.GetLayer(i + 1).SetWeights([kernels[i], biases[i]]);
        var x = Reference.Matrix(5, 784, 7);

        var h = Reference.Dense(Reference.ToDouble(x), kernels[0], biases[0], Reference.Relu);
        h = Reference.Dense(h, kernels[1], biases[1], Reference.Relu);
        var expected = Reference.SoftmaxRows(Reference.Dense(h, kernels[2], biases[2]));

        using var actual = model.Predict(x);
        Assert.That(actual.Shape, Is.EqualTo(new Shape(5, 10)));
        Assert.That(actual.ToArray<float>(), Is.EqualTo(Reference.Flatten(expected)).Within(1e-5));
    }

    [Test]
    public void PredictSplitsIntoBatchesWithoutChangingTheResult()
    {
        var (model, _) = FirstModel();
        var x = Reference.Matrix(70, 784, 11);
        using var whole = model.Predict(x, batchSize: 128);
        using var batched = model.Predict(x, batchSize: 32);
        Assert.That(batched.Shape, Is.EqualTo(new Shape(70, 10)));
        Assert.That(batched.ToArray<float>(), Is.EqualTo(whole.ToArray<float>()).Within(1e-6));
    }

    [Test]
    public void AModelCalledOnANewInputReusesItsWeights()
    {
        var (model, _) = FirstModel();
        var x = Keras.Input(shape: [784]);
        var y = model.Call(x);
        var outer = new Model(x, y);
        Assert.That(y.Shape, Is.EqualTo(new Shape(null, 10)));
        Assert.That(outer.CountParams(), Is.EqualTo(55_050L));
        Assert.That(outer.Layers.Select(l => l.Name), Is.EqualTo(new[] { "input_2", "model" }));
        Assert.That(model.InboundNodes, Has.Count.EqualTo(2));

        var data = Reference.Matrix(3, 784, 21);
        using var direct = model.Predict(data);
        using var viaOuter = outer.Predict(data);
        Assert.That(viaOuter.ToArray<float>(), Is.EqualTo(direct.ToArray<float>()));
    }

    [Test]
    public void ConcatenatingTenAndThreeFeaturesGivesThirteen()
    {
        var a = Keras.Input(shape: [10]);
        var b = Keras.Input(shape: [3]);
        var merged = Keras.Layers.Concatenate([a, b]);
        Assert.That(merged.Shape, Is.EqualTo(new Shape(null, 13)));
        var model = new Model([a, b], merged);
        using var y = model.Predict([new float[,] { { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } }, new float[,] { { 10, 11, 12 } }]);
        Assert.That(y.ToArray<float>(), Is.EqualTo(Enumerable.Range(0, 13).Select(i => (float)i)));
    }

    [Test]
    public void SharedLayerKeepsOneNodePerCall()
    {
        // The guide's "layer node" example, with a shared Dense on sequences instead of an LSTM.
        var a = Keras.Input(shape: [280, 256]);
        var b = Keras.Input(shape: [280, 256]);
        var shared = new Dense(32);
        var encodedA = shared.Call(a);
        Assert.That(shared.Output, Is.SameAs(encodedA));
        var encodedB = shared.Call(b);

        Assert.That(shared.GetOutputAt(0), Is.SameAs(encodedA));
        Assert.That(shared.GetOutputAt(1), Is.SameAs(encodedB));
        Assert.That(shared.GetInputAt(1), Is.SameAs(b));
        Assert.That(encodedB.KerasHistory, Is.EqualTo(new KerasHistory(shared, 1, 0)));
        var error = Assert.Throws<InvalidOperationException>(() => _ = shared.Output)!;
        Assert.That(error.Message, Is.EqualTo(
            "Layer dense has multiple inbound nodes, hence the notion of \"layer output\" is ill-defined. Use `GetOutputAt(nodeIndex)` instead."));
        Assert.Throws<InvalidOperationException>(() => _ = shared.Input);
        // Same shapes at both nodes: the shape properties stay defined, as in Keras.
        Assert.That(shared.OutputShape, Is.EqualTo(new Shape(null, 280, 32)));
    }

    [Test]
    public void InputShapeIsIllDefinedOnceNodesDiffer()
    {
        var a = Keras.Input(shape: [32, 32, 3]);
        var b = Keras.Input(shape: [64, 64, 3]);
        var flatten = new Flatten();
        flatten.Call(a);
        Assert.That(flatten.InputShape, Is.EqualTo(new Shape(null, 32, 32, 3)));
        flatten.Call(b);
        Assert.That(flatten.GetInputShapeAt(0), Is.EqualTo(new Shape(null, 32, 32, 3)));
        Assert.That(flatten.GetInputShapeAt(1), Is.EqualTo(new Shape(null, 64, 64, 3)));
        Assert.That(flatten.GetOutputShapeAt(1), Is.EqualTo(new Shape(null, 12288)));
        var error = Assert.Throws<InvalidOperationException>(() => _ = flatten.InputShape)!;
        Assert.That(error.Message, Does.Contain("multiple inbound nodes, with different input shapes").And.Contain("GetInputShapeAt(nodeIndex)"));
    }

    [Test]
    public void KerasOneMergeOfFourBranches()
    {
        // Four Dense branches of one input, merged by the Keras 1 Merge layer in each mode.
        var input = Keras.Input(shape: [3]);
        var branches = Enumerable.Range(0, 4).Select(i => new Dense(2, kernelInitializer: new Initializers.Constant(i + 1), name: $"branch_{i}").Call(input)).ToArray();
        var sum = new Merge("sum", name: "sum").Call(branches);
        var concat = new Merge("concat", name: "concat").Call(branches);
        var mul = new Merge("mul", name: "mul").Call(branches);
        var ave = new Merge("ave", name: "ave").Call(branches);
        var max = new Merge("max", name: "max").Call(branches);
        var model = new Model(input, [sum, concat, mul, ave, max]);
        Assert.That(model.CountParams(), Is.EqualTo(4 * (3 * 2 + 2)));
        Assert.That(concat.Shape, Is.EqualTo(new Shape(null, 8)));

        // x = (1, 2, 3): branch i gives (i+1)·6 in both units.
        var outputs = model.PredictOutputs(new float[,] { { 1, 2, 3 } });
        try
        {
            double[] b = [6, 12, 18, 24];
            Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(new[] { b.Sum(), b.Sum() }));
            Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(b.SelectMany(v => new[] { v, v })));
            double product = b.Aggregate(1.0, (p, v) => p * v);
            Assert.That(outputs[2].ToArray<float>(), Is.EqualTo(new[] { product, product }));
            Assert.That(outputs[3].ToArray<float>(), Is.EqualTo(new[] { b.Average(), b.Average() }));
            Assert.That(outputs[4].ToArray<float>(), Is.EqualTo(new[] { 24.0, 24.0 }));
        }
        finally
        {
            foreach (var o in outputs) o.Dispose();
        }
    }

    [Test]
    public void MultipleInputsAndOutputsAcceptDictionariesByName()
    {
        var main = Keras.Input(shape: [2], name: "main_input");
        var aux = Keras.Input(shape: [1], name: "aux_input");
        var merged = Keras.Layers.Concatenate([main, aux]);
        var mainOut = new Dense(1, kernelInitializer: "ones", name: "main_output").Call(merged);
        var auxOut = new Dense(1, kernelInitializer: "ones", name: "aux_output").Call(main);
        var model = new Model([main, aux], [mainOut, auxOut]);
        Assert.That(model.InputNames, Is.EqualTo(new[] { "main_input", "aux_input" }));
        Assert.That(model.OutputNames, Is.EqualTo(new[] { "main_output", "aux_output" }));

        var byName = new Dictionary<string, Array> { ["aux_input"] = new float[,] { { 10 } }, ["main_input"] = new float[,] { { 1, 2 } } };
        var outputs = model.PredictOutputs(byName);
        Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(new[] { 13f }));
        Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(new[] { 3f }));
        foreach (var o in outputs) o.Dispose();

        var missing = Assert.Throws<ArgumentException>(() => model.PredictOutputs(new Dictionary<string, Array> { ["main_input"] = new float[,] { { 1, 2 } } }))!;
        Assert.That(missing.Message, Does.Contain("expected keys [main_input, aux_input]").And.Contain("missing [aux_input]"));
        var single = Assert.Throws<InvalidOperationException>(() => model.Predict(byName))!;
        Assert.That(single.Message, Does.Contain("has 2 outputs (main_output, aux_output): use PredictOutputs"));
    }

    [Test]
    public void IntegerTokensAreCastToTheInputDType()
    {
        var tokens = Keras.Input(shape: [3], dtype: DType.Int32);
        Assert.That(tokens.DType, Is.EqualTo(DType.Int32));
        var flat = new Reshape([3, 1]).Call(tokens);
        Assert.That(flat.DType, Is.EqualTo(DType.Int32));
        var model = new Model(tokens, flat);
        using var y = model.Predict(new float[,] { { 1, 2, 3 } });
        Assert.That(y.DType, Is.EqualTo(DType.Int32));
        Assert.That(y.ToArray<int>(), Is.EqualTo(new[] { 1, 2, 3 }));
    }
}
