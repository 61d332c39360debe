namespace TfFunctional.Tests.Api;

/// <summary>
/// The collections C# code holds are accepted where Keras takes a list or a dictionary, and give what the literal forms
/// give. This file must compile: each call is one that was a CS1503 error before.
/// </summary>
public class ArgumentFormTests
{
    private static Model TwoInTwoOut()
    {
        Keras.ClearSession();
        var a = Keras.Input(shape: [3], name: "a");
        var b = Keras.Input(shape: [2], name: "b");
        var joined = Keras.Layers.Concatenate([a, b]);
        var first = new Dense(1, activation: "sigmoid", name: "first", kernelInitializer: new Initializers.Constant(0.1)).Call(joined);
        var second = new Dense(1, name: "second", kernelInitializer: new Initializers.Constant(-0.2)).Call(joined);
        return new Model([a, b], [first, second]);
    }

    private static readonly float[,] A = { { 1, 2, 3 }, { 0, -1, 1 } };
    private static readonly float[,] B = { { 0.5f, 1 }, { 2, 0 } };
    private static readonly float[,] Y = { { 1 }, { 0 } };

    private static IReadOnlyDictionary<string, double> Evaluate(Model model) =>
        model.Evaluate([A, B], [Y, Y], verbose: 0);

    [Test]
    public void ArraysAndListsGiveWhatLiteralsGive()
    {
        var literal = TwoInTwoOut();
        literal.Compile("sgd", loss: ["binary_crossentropy", "mse"], lossWeights: [1.0, 0.2], metrics: ["mae"]);
        var expected = Evaluate(literal);

        double[] weights = [1.0, 0.2];
        string[] losses = ["binary_crossentropy", "mse"];
        List<string> metrics = ["mae"];
        var fromArrays = TwoInTwoOut();
        fromArrays.Compile("sgd", loss: losses, lossWeights: weights, metrics: metrics);
        Assert.That(Evaluate(fromArrays), Is.EqualTo(expected));

        var fromLists = TwoInTwoOut();
        fromLists.Compile("sgd", loss: new List<string>(losses), lossWeights: new List<double>(weights), metrics: metrics.ToArray());
        Assert.That(Evaluate(fromLists), Is.EqualTo(expected));

        var fromSequence = TwoInTwoOut();
        fromSequence.Compile("sgd", loss: losses, lossWeights: OutputLossWeights.From(weights.Select(w => w)), metrics: metrics);
        Assert.That(Evaluate(fromSequence), Is.EqualTo(expected));
        Assert.That(expected["loss"], Is.EqualTo(expected["first_loss"] + 0.2 * expected["second_loss"]).Within(1e-6), "the weights apply");
    }

    /// <summary>An optional argument held in a variable that is null means "not given", as a literal null does.</summary>
    [Test]
    public void NullCollectionsMeanNotGiven()
    {
        double[]? weights = null;
        List<string>? metrics = null;
        string[]? losses = null;
        var model = TwoInTwoOut();
        model.Compile("sgd", loss: "mse", lossWeights: weights, metrics: metrics);
        var unweighted = Evaluate(model);
        Assert.That(unweighted["loss"], Is.EqualTo(unweighted["first_loss"] + unweighted["second_loss"]).Within(1e-6), "every output weighs 1");
        model.Compile("sgd", loss: losses);
        Assert.Throws<InvalidOperationException>(() => Evaluate(model), "no loss given");
    }

    [Test]
    public void ListsAndDictionariesOfMatricesAreData()
    {
        var model = TwoInTwoOut();
        model.Compile("sgd", "mse");
        var byLiteral = model.Evaluate([A, B], [Y, Y], verbose: 0);
        var byList = model.Evaluate(new List<float[,]> { A, B }, new List<float[,]> { Y, Y }, verbose: 0);
        var byName = model.Evaluate(new Dictionary<string, float[,]> { ["b"] = B, ["a"] = A }, new Dictionary<string, float[,]> { ["first"] = Y, ["second"] = Y }, verbose: 0);
        Assert.That(byList, Is.EqualTo(byLiteral));
        Assert.That(byName, Is.EqualTo(byLiteral));
        var history = model.Fit(new List<float[,]> { A, B }, new List<float[,]> { Y, Y }, epochs: 1, verbose: 0, shuffle: false);
        Assert.That(history["loss"], Has.Count.EqualTo(1));
    }

    [Test]
    public void AJaggedArrayIsTheRowsOfOneInput()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3]);
        var model = new Model(input, new Dense(1, useBias: false, kernelInitializer: new Initializers.Constant(1)).Call(input));
        float[][] rows = [[1, 2, 3], [4, 5, 6]];
        using var byRows = model.Predict(rows);
        Assert.That(byRows.ToArray<float>(), Is.EqualTo(new[] { 6f, 15 }));
        model.Compile("sgd", "mse");
        var result = model.Evaluate(rows, new float[][] { [6], [15] }, verbose: 0);
        Assert.That(result["loss"], Is.EqualTo(0).Within(1e-9));
        float[][] uneven = [[1, 2, 3], [4, 5]];
        Assert.That(Assert.Throws<ArgumentException>(() => model.Predict(uneven))!.Message, Does.Contain("row 0 has 3 values, row 1 has 2"));
    }

    [Test]
    public void ShapesAsIntArraysAndDTypesByName()
    {
        int[] dims = [28, 28, 1];
        var image = Keras.Input(shape: dims);
        Assert.That(image.Shape, Is.EqualTo(new Shape(null, 28, 28, 1)));
        var tokens = Keras.Input(shape: [100], dtype: "int32", name: "tokens");
        Assert.That(tokens.DType, Is.EqualTo(DType.Int32));
        var literal = Keras.Input(shape: [null, 8]);
        Assert.That(literal.Shape, Is.EqualTo(new Shape(null, null, 8)));
        Assert.That(Assert.Throws<ArgumentException>(() => Keras.Input(shape: [3], dtype: "int33"))!.Message, Does.StartWith("Invalid dtype: int33."));
        // Every shape form takes the dtype by name or as a DType.
        Assert.That(Keras.Input(shape: dims, dtype: "uint8").DType, Is.EqualTo(DType.UInt8));
        Assert.That(Keras.Input(shape: (16, 4), dtype: "int64").DType, Is.EqualTo(DType.Int64));
        Assert.That(Keras.Input(shape: (28, 28, 1), dtype: DType.Float64).DType, Is.EqualTo(DType.Float64));
        Assert.That(new InputLayer([3], dtype: "bool").Tensor.DType, Is.EqualTo(DType.Bool));
        Assert.That(Keras.Input(shape: (2, 2, 2, 2)).DType, Is.EqualTo(DType.Float32), "float32 by default");
    }

    [Test]
    public void PythonTuplesTranslateOneToOne()
    {
        Keras.ClearSession();
        var image = Keras.Input(shape: [8, 8, 2]);
        var conv = new Conv2D(4, kernelSize: (3, 2), strides: (2, 1), padding: "same", dilationRate: (1, 1));
        var pooled = new MaxPooling2D(poolSize: (2, 2)).Call(new UpSampling2D(size: (2, 1)).Call(conv.Call(image)));
        Assert.That(conv.KernelSize, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(conv.Strides, Is.EqualTo(new[] { 2, 1 }));
        Assert.That(pooled.Shape, Is.EqualTo(new Shape(null, 4, 4, 4)));
        var volume = Keras.Input(shape: [4, 4, 4, 1]);
        Assert.That(new Conv3D(2, (2, 2, 2)).Call(volume).Shape, Is.EqualTo(new Shape(null, 3, 3, 3, 2)));
        Assert.That(new ZeroPadding2D(padding: (1, 2)).Call(image).Shape, Is.EqualTo(new Shape(null, 10, 12, 2)));
        // Pairs of pairs as Python writes them: ZeroPadding2D(padding=((1, 0), (2, 1))), Cropping2D(cropping=((1, 1), (0, 2))).
        var padded = new ZeroPadding2D(padding: ((1, 0), (2, 1)));
        Assert.That(padded.Call(image).Shape, Is.EqualTo(new Shape(null, 9, 11, 2)));
        Assert.That(padded.Margins, Is.EqualTo(new ZeroPadding2D(padding: [[1, 0], [2, 1]]).Margins));
        Assert.That(new Cropping2D(cropping: ((1, 1), (0, 2))).Call(image).Shape, Is.EqualTo(new Shape(null, 6, 6, 2)));

        // The guide's shapes as Python writes them: Input(shape=(28, 28, 1)), Reshape((7, 7, 256)), Permute((2, 1)).
        var digits = Keras.Input(shape: (28, 28, 1));
        Assert.That(digits.Shape, Is.EqualTo(new Shape(null, 28, 28, 1)));
        Assert.That(Keras.Input(shape: (4, 3)).Shape, Is.EqualTo(new Shape(null, 4, 3)));
        var flat = Keras.Input(shape: [12544]);
        Assert.That(new Reshape((7, 7, 256)).Call(flat).Shape, Is.EqualTo(new Shape(null, 7, 7, 256)));
        Assert.That(new Permute((2, 1)).Call(Keras.Input(shape: (4, 3))).Shape, Is.EqualTo(new Shape(null, 3, 4)));
    }

    /// <summary>A layer's <c>inputShape:</c> takes every form <c>Keras.Input(shape:)</c> takes, and each builds the same model.</summary>
    [Test]
    public void LayerInputShapesTakeTuplesArraysAndLists()
    {
        Shape FirstLayerInput(Layer first)
        {
            Keras.ClearSession();
            var model = new Sequential([first, new Flatten()]);
            return model.Inputs[0].Shape;
        }
        int[] held = [6, 6, 2];
        int?[] withUnknown = [null, 6, 2];
        var expected = new Shape(null, 6, 6, 2);
        Assert.That(FirstLayerInput(new Conv2D(3, (3, 3), inputShape: (6, 6, 2))), Is.EqualTo(expected));
        Assert.That(FirstLayerInput(new Conv2D(3, (3, 3), inputShape: [6, 6, 2])), Is.EqualTo(expected));
        Assert.That(FirstLayerInput(new Conv2D(3, (3, 3), inputShape: held)), Is.EqualTo(expected));
        Assert.That(FirstLayerInput(new Conv2D(3, (3, 3), inputShape: new List<int>(held))), Is.EqualTo(expected));
        Assert.That(FirstLayerInput(new Dense(2, inputShape: (null, 6, 2))), Is.EqualTo(new Shape(null, null, 6, 2)));
        Assert.That(FirstLayerInput(new Dense(2, inputShape: withUnknown)), Is.EqualTo(new Shape(null, null, 6, 2)));
        Assert.That(FirstLayerInput(new LSTM(2, inputShape: (null, 4))), Is.EqualTo(new Shape(null, null, 4)));
        Assert.That(FirstLayerInput(new Dense(2, inputShape: [784])), Is.EqualTo(new Shape(null, 784)));
        Assert.That(FirstLayerInput(new Dense(2, inputDim: 784)), Is.EqualTo(new Shape(null, 784)), "Keras 1's input_dim still works");

        // Keras.Input takes the same forms, lists included, and its shape reads back as Python writes it.
        Assert.That(Keras.Input(shape: new List<int?> { null, 8 }).Shape, Is.EqualTo(new Shape(null, null, 8)));
        Assert.That(Keras.Input(shape: (2, 3, 4, 5, 6)).Shape, Is.EqualTo(new Shape(null, 2, 3, 4, 5, 6)));
        Assert.That(((ShapeArgument)(28, 28, 1)).ToString(), Is.EqualTo("(28, 28, 1)"));
        Assert.That(((ShapeArgument)new[] { 784 }).ToString(), Is.EqualTo("(784,)"));
        Assert.That(Assert.Throws<ArgumentException>(() => Keras.Input(shape: default))!.Message, Does.StartWith("A shape is required"));

        // The tuple form of a model built twice gives the same numbers as the list form.
        Model Build(ShapeArgument shape)
        {
            Keras.ClearSession();
            return new Sequential([new Dense(2, kernelInitializer: new Initializers.Constant(0.5), inputShape: shape)]);
        }
        using var fromTuple = Build((null, 3)).Predict(new float[,,] { { { 1, 2, 3 } } });
        using var fromList = Build([null, 3]).Predict(new float[,,] { { { 1, 2, 3 } } });
        Assert.That(fromTuple.ToArray<float>(), Is.EqualTo(fromList.ToArray<float>()).And.EqualTo(new[] { 3f, 3f }));
    }

    /// <summary>The by-name forms of <c>loss</c> and <c>metrics</c> as dictionaries of names, objects and lists.</summary>
    [Test]
    public void DictionariesByOutputNameGiveWhatListsGive()
    {
        var byList = TwoInTwoOut();
        byList.Compile("sgd", loss: ["binary_crossentropy", "mse"], metrics: ["mae"]);
        var expected = Evaluate(byList);

        var byNames = TwoInTwoOut();
        byNames.Compile("sgd", loss: new Dictionary<string, string> { ["second"] = "mse", ["first"] = "binary_crossentropy" },
            metrics: new Dictionary<string, string[]> { ["first"] = ["mae"], ["second"] = ["mae"] });
        Assert.That(Evaluate(byNames), Is.EquivalentTo(expected));

        var byObjects = TwoInTwoOut();
        byObjects.Compile("sgd", loss: new Dictionary<string, Losses.Loss> { ["first"] = new Losses.BinaryCrossentropy(), ["second"] = new Losses.MeanSquaredError() },
            metrics: new Dictionary<string, List<string>> { ["first"] = ["mae"], ["second"] = ["mae"] });
        Assert.That(Evaluate(byObjects), Is.EquivalentTo(expected));

        var byLossArray = TwoInTwoOut();
        Losses.Loss[] losses = [new Losses.BinaryCrossentropy(), new Losses.MeanSquaredError()];
        byLossArray.Compile("sgd", loss: losses, metrics: new List<string> { "mae" });
        Assert.That(Evaluate(byLossArray), Is.EquivalentTo(expected));

        var byLossList = TwoInTwoOut();
        byLossList.Compile("sgd", loss: new List<Losses.Loss>(losses), metrics: ["mae"]);
        Assert.That(Evaluate(byLossList), Is.EquivalentTo(expected));
    }

    /// <summary>
    /// <c>Tensor.From(new[] { 1, 2, 3 })</c> is the 1-D tensor NumPy's <c>np.array([1, 2, 3])</c> is; with a shape, the
    /// flat values fill it row by row; an explicit empty shape is a scalar.
    /// </summary>
    [Test]
    public void AFlatArrayIsAOneDimensionalTensor()
    {
        using var ids = Tensor.From(new[] { 1, 2, 3 });
        Assert.That(ids.Shape, Is.EqualTo(new Shape(3)));
        Assert.That(ids.ToArray(), Is.EqualTo(new[] { 1, 2, 3 }));
        using var one = Tensor.From(new[] { 5f });
        Assert.That(one.Shape, Is.EqualTo(new Shape(1)));
        using var scalar = Tensor.From(new[] { 5f }, Array.Empty<long>());
        Assert.That(scalar.Rank, Is.EqualTo(0));
        using var matrix = Tensor.From(new[] { 1f, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.That(matrix.ToNDArray<float>(), Is.EqualTo(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        Assert.That(Assert.Throws<ArgumentException>(() => Tensor.From(new[] { 1, 2, 3 }, 2, 2))!.Message,
            Is.EqualTo("Cannot make a tensor of shape (2, 2) from 3 values."));
    }

    [Test]
    public void TensorsPrintTheirValuesAndReadAsTheirOwnType()
    {
        using var small = Tensor.From(new float[,] { { 1, 2.5f }, { -3, 0.125f } });
        Assert.That(small.ToString(), Is.EqualTo("Tensor([[1. 2.5]\n [-3. 0.125]], shape=(2, 2), dtype=float32)"));
        using var ids = Tensor.From(new[] { 3, 1, 4 }, 3);
        Assert.That(ids.ToString(), Is.EqualTo("Tensor([3 1 4], shape=(3,), dtype=int32)"));
        Assert.That(ids.ToArray(), Is.TypeOf<int[]>().And.EqualTo(new[] { 3, 1, 4 }));
        Assert.That(small.ToArray(), Is.TypeOf<float[]>());
        using var flags = Tensor.From(new[] { true, false }, 2);
        Assert.That(flags.ToArray(), Is.TypeOf<bool[]>());
        Assert.That(flags.ToString(), Is.EqualTo("Tensor([True False], shape=(2,), dtype=bool)"));
        using var large = Tensor.From(Enumerable.Range(0, 2000).Select(i => (float)i).ToArray(), 2, 1000);
        Assert.That(large.ToString(), Is.EqualTo("Tensor([[0. 1. 2. ... 997. 998. 999.]\n [1000. 1001. 1002. ... 1997. 1998. 1999.]], shape=(2, 1000), dtype=float32)"));
    }
}
