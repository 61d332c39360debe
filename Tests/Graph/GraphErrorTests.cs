namespace TfFunctional.Tests.Graph;

/// <summary>Bad graphs and bad data fail at once with the layer, the node and the shapes named.</summary>
public class GraphErrorTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    [Test]
    public void AddingTenFeaturesToFiveNamesBothShapes()
    {
        var a = Keras.Input(shape: [10]);
        var b = Keras.Input(shape: [5]);
        var error = Assert.Throws<ArgumentException>(() => Keras.Layers.Add([a, b]))!;
        Assert.That(error.Message, Does.Contain("\"add\"").And.Contain("node 0")
            .And.Contain("incompatible shapes").And.Contain("(None, 10) and (None, 5)"));
    }

    [Test]
    public void ConcatenatingMismatchedAxesNamesTheAxis()
    {
        var a = Keras.Input(shape: [4, 8]);
        var b = Keras.Input(shape: [5, 8]);
        var error = Assert.Throws<ArgumentException>(() => Keras.Layers.Concatenate([a, b]))!;
        Assert.That(error.Message, Does.Contain(
            "Layer \"concatenate\" (node 0): input shapes (None, 4, 8) and (None, 5, 8) differ on axis 1, which is not the concatenation axis -1."));
    }

    [Test]
    public void ReshapingTwentyFiveValuesIntoFiveByOneFails()
    {
        var x = Keras.Input(shape: [25]);
        var error = Assert.Throws<ArgumentException>(() => new Reshape([5, 1]).Call(x))!;
        Assert.That(error.Message, Does.Contain("Layer \"reshape\" (node 0)").And.Contain("total size of the tensor must be unchanged")
            .And.Contain("input_shape=(None, 25)").And.Contain("target_shape=(5, 1)"));
        Assert.That(new Reshape([5, -1]).Call(x).Shape, Is.EqualTo(new Shape(null, 5, 5)));
    }

    [Test]
    public void DenseRefusesIntegerInputs()
    {
        var tokens = Keras.Input(shape: [10], dtype: DType.Int32);
        var error = Assert.Throws<ArgumentException>(() => new Dense(4).Call(tokens))!;
        Assert.That(error.Message, Does.StartWith("Layer \"dense\" (Dense), node 0, expects floating-point inputs, but input 0 has dtype int32 (shape (None, 10))"));
    }

    [Test]
    public void DenseRefusesAnInputOfAnotherFeatureSize()
    {
        var dense = new Dense(3);
        dense.Call(Keras.Input(shape: [64]));
        var error = Assert.Throws<ArgumentException>(() => dense.Call(Keras.Input(shape: [32])))!;
        Assert.That(error.Message, Is.EqualTo(
            "Input 0 of layer \"dense\" is incompatible with the layer: expected axis -1 of input shape to have value 64, but received input with shape (None, 32)"));
    }

    [Test]
    public void UnreachableOutputIsGraphDisconnected()
    {
        var a = Keras.Input(shape: [4]);
        var b = Keras.Input(shape: [4]);
        var x = new Dense(2).Call(a);
        var y = Keras.Layers.Add([x, new Dense(2).Call(b)]);
        var error = Assert.Throws<ArgumentException>(() => new Model(a, y))!;
        Assert.That(error.Message, Does.StartWith("Graph disconnected: cannot obtain value for tensor KerasTensor("));
        Assert.That(error.Message, Does.Contain("at layer \"dense_1\"")
            .And.Contain("The following previous layers were accessed without issue: ['dense']"));
    }

    [Test]
    public void TwoLayersWithOneNameAreRefused()
    {
        var a = Keras.Input(shape: [4]);
        var x = new Dense(2, name: "same").Call(a);
        var y = new Dense(2, name: "same").Call(x);
        var error = Assert.Throws<ArgumentException>(() => new Model(a, y))!;
        Assert.That(error.Message, Is.EqualTo("The name \"same\" is used 2 times in the model. All layer names should be unique."));
    }

    [Test]
    public void SetWeightsChecksEveryShapeFirst()
    {
        var dense = new Dense(3);
        dense.Build(null, 4);
        var before = dense.GetWeights();
        var error = Assert.Throws<ArgumentException>(() => dense.SetWeights([new float[3, 4], new float[3]]))!;
        Assert.That(error.Message, Is.EqualTo("Layer dense weight shape (4, 3) is not compatible with provided weight shape (3, 4) (weight 0: 'dense/kernel')."));
        var count = Assert.Throws<ArgumentException>(() => dense.SetWeights([new float[4, 3]]))!;
        Assert.That(count.Message, Does.Contain("with a weight list of length 1, but the layer was expecting 2 weights"));
        Assert.That(dense.GetWeights()[0], Is.EqualTo(before[0]));
    }

    [Test]
    public void PredictRefusesDataOfTheWrongRankOrFeatureSize()
    {
        var input = Keras.Input(shape: [784]);
        var model = new Model(input, new Dense(10).Call(input));
        var rank = Assert.Throws<ArgumentException>(() => model.Predict(new float[2, 28, 28]))!;
        Assert.That(rank.Message, Does.StartWith(
            "Input 0 of layer \"model\" is incompatible with the layer: expected shape=(None, 784), found shape=(2, 28, 28)"));
        var features = Assert.Throws<ArgumentException>(() => model.Predict(new float[2, 783]))!;
        Assert.That(features.Message, Does.StartWith(
            "Input 0 of layer \"model\" is incompatible with the layer: expected shape=(None, 784), found shape=(2, 783)"));
        var count = Assert.Throws<ArgumentException>(() => model.Predict([new float[2, 784], new float[2, 784]]))!;
        Assert.That(count.Message, Does.Contain("expects 1 input(s) (input_1), but it received 2 input arrays"));
    }

    [Test]
    public void SampleCountsMustAgreeAcrossInputs()
    {
        var a = Keras.Input(shape: [2], name: "left");
        var b = Keras.Input(shape: [2], name: "right");
        var model = new Model([a, b], Keras.Layers.Add([a, b]));
        var error = Assert.Throws<ArgumentException>(() => model.Predict([new float[3, 2], new float[4, 2]]))!;
        Assert.That(error.Message, Does.Contain("'left' sizes: 3, 'right' sizes: 4"));
    }

    [Test]
    public void SubtractTakesExactlyTwoInputs()
    {
        var inputs = Enumerable.Range(0, 3).Select(_ => Keras.Input(shape: [2])).ToArray();
        var error = Assert.Throws<ArgumentException>(() => Keras.Layers.Subtract(inputs))!;
        Assert.That(error.Message, Does.Contain("should be called on exactly 2 inputs"));
    }

    [Test]
    public void ModelInputsMustComeFromInputLayers()
    {
        var a = Keras.Input(shape: [2]);
        var hidden = new Dense(2).Call(a);
        var error = Assert.Throws<ArgumentException>(() => new Model(hidden, new Dense(1).Call(hidden)))!;
        Assert.That(error.Message, Does.StartWith("Input tensors to a Functional model must come from `Keras.Input`."));
    }
}
