namespace TfFunctional.Tests.Graph;

/// <summary>Bad input is the caller's error, named as Keras and TensorFlow name it: never libtorch's text, never a wrap-around.</summary>
public class BadInputTests
{
    private static Model EmbeddingModel()
    {
        Keras.ClearSession();
        var ids = Keras.Input(shape: [4], dtype: DType.Int32, name: "ids");
        var embedded = new Embedding(10, 3, name: "words", embeddingsInitializer: new Initializers.Constant(0.5)).Call(ids);
        var output = new Dense(1, name: "score").Call(new Flatten().Call(embedded));
        var model = new Model(ids, output);
        model.Compile("sgd", "mse");
        return model;
    }

    [Test]
    public void AnIdOutsideTheVocabularyNamesTheLayerThePositionAndTheRange()
    {
        var model = EmbeddingModel();
        var ids = new int[,] { { 1, 2, 3, 4 }, { 5, 6, 7, 20 } };
        const string expected = "Layer \"words\" (Embedding): indices[1,3] = 20 is not in [0, 10).";
        Assert.That(Assert.Throws<ArgumentException>(() => model.Predict(ids))!.Message, Does.StartWith(expected));
        Assert.That(Assert.Throws<ArgumentException>(() => model.Evaluate(ids, new float[,] { { 0 }, { 1 } }, verbose: 0))!.Message, Does.Contain(expected));
        Assert.That(Assert.Throws<ArgumentException>(() => model.Fit(ids, new float[,] { { 0 }, { 1 } }, verbose: 0, shuffle: false))!.Message, Does.Contain(expected));
        var negative = new int[,] { { 1, -2, 3, 4 } };
        Assert.That(Assert.Throws<ArgumentException>(() => model.Predict(negative))!.Message, Does.StartWith("Layer \"words\" (Embedding): indices[0,1] = -2 is not in [0, 10)."));
        using var fine = model.Predict(new int[,] { { 0, 9, 3, 4 } });
        Assert.That(fine.Shape, Is.EqualTo(new Shape(1, 1)));
    }

    [Test]
    public void LongIdsThatInt32CannotHoldAreRefusedNotWrapped()
    {
        var model = EmbeddingModel();
        // 2^32 + 3 would wrap to 3 and return id 3's row.
        var ids = new long[,] { { 1, 2, (1L << 32) + 3, 4 } };
        var error = Assert.Throws<ArgumentException>(() => model.Predict(ids))!;
        Assert.That(error.Message, Does.StartWith("Input 0 ('ids') of model").And.Contain("[1, 4294967299]").And.Contain("wrap around"));
        using var tensor = Tensor.From(new long[] { 1, 2, 1L << 40, 4 }, 1, 4);
        Assert.That(Assert.Throws<ArgumentException>(() => model.Predict(tensor))!.Message, Does.Contain("wrap around"));
    }

    [Test]
    public void AnEmptyBatchGivesAnEmptyResult()
    {
        var model = EmbeddingModel();
        using var none = model.Predict(new int[0, 4]);
        Assert.That(none.Shape, Is.EqualTo(new Shape(0, 1)));
        Keras.ClearSession();
        var input = Keras.Input(shape: [5, 3]);
        var recurrent = new Model(input, new LSTM(2).Call(input));
        using var empty = recurrent.Predict(new float[0, 5, 3]);
        Assert.That(empty.Shape, Is.EqualTo(new Shape(0, 2)));
    }
}

/// <summary>libtorch's errors reach callers as .NET exceptions naming the layer, the shapes and the reason, without C++ frames.</summary>
public class NativeErrorTests
{
    private sealed class BadReshape() : Layer("bad_reshape")
    {
        protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.Reshape(inputs, 7, -1);

        public override Shape ComputeOutputShape(Shape inputShape) => new(7, null);
    }

    [Test]
    public void ANativeFailureInALayerNamesTheLayerAndShapesWithoutFrames()
    {
        using var x = Tensor.From(new float[10], 2, 5);
        var error = Assert.Throws<InvalidOperationException>(() => new BadReshape().Call(x))!;
        Assert.That(error.Message, Does.StartWith("Layer \"bad_reshape\" (BadReshape) failed on input of shape (2, 5): shape '[7, -1]' is invalid for input of size 10"));
        Assert.That(error.Message, Does.Not.Contain("frame #").And.Not.Contain("c10::").And.Not.Contain("Exception raised from"));
        Assert.That(error.InnerException, Is.Null, "the native text is not kept behind the message either");
    }
}
