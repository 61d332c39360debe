namespace TfFunctional.Tests.Graph;

/// <summary>
/// Summary() against the text Keras 2.10 prints. The expected lines were produced by a transcription of Keras's own
/// print_row (keras/utils/layer_utils.py) in Python, not by this library.
/// </summary>
public class SummaryTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static List<string> Print(Model model)
    {
        var lines = new List<string>();
        model.Summary(lines.Add);
        return lines;
    }

    [Test]
    public void ChainPrintsTheSequentialLayout()
    {
        var inputs = Keras.Input(shape: [784]);
        var x = new Dense(64, activation: "relu").Call(inputs);
        x = new Dense(64, activation: "relu").Call(x);
        var model = new Model(inputs, new Dense(10, activation: "softmax").Call(x));
        Assert.That(Print(model), Is.EqualTo(new[]
        {
            "Model: \"model\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " input_1 (InputLayer)        [(None, 784)]             0         ",
            "                                                                 ",
            " dense (Dense)               (None, 64)                50240     ",
            "                                                                 ",
            " dense_1 (Dense)             (None, 64)                4160      ",
            "                                                                 ",
            " dense_2 (Dense)             (None, 10)                650       ",
            "                                                                 ",
            "=================================================================",
            "Total params: 55,050",
            "Trainable params: 55,050",
            "Non-trainable params: 0",
            "_________________________________________________________________",
        }));
    }

    [Test]
    public void GraphPrintsConnections()
    {
        var main = Keras.Input(shape: [10], name: "main_input");
        var aux = Keras.Input(shape: [3], name: "aux_input");
        var dense = new Dense(4).Call(main);
        var merged = Keras.Layers.Concatenate([dense, aux]);
        var mainOut = new Dense(1, name: "main_output").Call(merged);
        var auxOut = new Dense(1, name: "aux_output").Call(dense);
        var model = new Model([main, aux], [mainOut, auxOut]);
        Assert.That(Print(model), Is.EqualTo(new[]
        {
            "Model: \"model\"",
            "__________________________________________________________________________________________________",
            " Layer (type)                   Output Shape         Param #     Connected to                     ",
            "==================================================================================================",
            " main_input (InputLayer)        [(None, 10)]         0           []                               ",
            "                                                                                                  ",
            " dense (Dense)                  (None, 4)            44          ['main_input[0][0]']             ",
            "                                                                                                  ",
            " aux_input (InputLayer)         [(None, 3)]          0           []                               ",
            "                                                                                                  ",
            " concatenate (Concatenate)      (None, 7)            0           ['dense[0][0]',                  ",
            "                                                                  'aux_input[0][0]']              ",
            "                                                                                                  ",
            " main_output (Dense)            (None, 1)            8           ['concatenate[0][0]']            ",
            "                                                                                                  ",
            " aux_output (Dense)             (None, 1)            5           ['dense[0][0]']                  ",
            "                                                                                                  ",
            "==================================================================================================",
            "Total params: 57",
            "Trainable params: 57",
            "Non-trainable params: 0",
            "__________________________________________________________________________________________________",
        }));
    }

    [Test]
    public void SequentialLeavesOutItsInputLayer()
    {
        var model = new Sequential([new Dense(32, activation: "relu", inputShape: [784]), new Dropout(0.2), new Dense(10)]);
        Assert.That(model.Layers.Select(l => l.Name), Is.EqualTo(new[] { "dense", "dropout", "dense_1" }));
        Assert.That(Print(model), Is.EqualTo(new[]
        {
            "Model: \"sequential\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " dense (Dense)               (None, 32)                25120     ",
            "                                                                 ",
            " dropout (Dropout)           (None, 32)                0         ",
            "                                                                 ",
            " dense_1 (Dense)             (None, 10)                330       ",
            "                                                                 ",
            "=================================================================",
            "Total params: 25,450",
            "Trainable params: 25,450",
            "Non-trainable params: 0",
            "_________________________________________________________________",
        }));
    }

    [Test]
    public void ExpandNestedBoxesTheLayersOfANestedModel()
    {
        var inner = new Sequential([new Dense(4, inputDim: 3), new Dense(2)]);
        var inputs = Keras.Input(shape: [3]);
        var model = new Model(inputs, new Dense(1).Call(inner.Call(inputs)));
        var lines = new List<string>();
        model.Summary(lines.Add, expandNested: true);
        Assert.That(lines[4..^5], Is.EqualTo(new[]
        {
            " input_1 (InputLayer)        [(None, 3)]               0         ",
            "                                                                 ",
            " sequential (Sequential)     (None, 2)                 26        ",
            "|" + new string('¯', 63) + "|",
            "| dense (Dense)              (None, 4)                 16       |",
            "|                                                               |",
            "| dense_1 (Dense)            (None, 2)                 10       |",
            new string('¯', 65),
            " dense_2 (Dense)             (None, 1)                 3         ",
            "                                                                 ",
        }));
        Assert.That(Print(model), Has.None.Contains("dense_1 (Dense)"), "nested layers are listed only when asked");
    }

    [Test]
    public void FrozenLayersCountAsNonTrainable()
    {
        var model = new Sequential([new Dense(4, inputDim: 3), new Dense(2)]);
        model.Layers[0].Trainable = false;
        var lines = Print(model);
        Assert.That(lines[^4..^1], Is.EqualTo(new[] { "Total params: 26", "Trainable params: 10", "Non-trainable params: 16" }));
        Assert.That(model.TrainableWeights.Select(w => w.Path), Is.EqualTo(new[] { "dense_1/kernel", "dense_1/bias" }));
    }

    [Test]
    public void UnbuiltSequentialCannotPrint()
    {
        var model = new Sequential([new Dense(4)]);
        var error = Assert.Throws<InvalidOperationException>(() => model.Summary(_ => { }))!;
        Assert.That(error.Message, Does.Contain("has not yet been built"));
        model.Build(null, 3);
        Assert.That(model.CountParams(), Is.EqualTo(16L));
        Assert.That(model.Layers[0].InputShape, Is.EqualTo(new Shape(null, 3)));
    }
}
