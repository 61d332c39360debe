namespace TfFunctional.Tests.Graph;

/// <summary>Keras's <c>training=</c> call argument lives on the node: it fixes the mode of that call, and files keep it.</summary>
public class CallArgumentTests
{
    private static readonly float[,] X = { { 1, 2, 3 }, { 3, 0, -1 }, { 0.5f, 1, 2 }, { -2, 1, 0 } };
    private static readonly float[,] Y = { { 1 }, { 0 }, { 1 }, { 0 } };

    /// <summary>The transfer-learning pattern: a base model with BatchNormalization, called with training: false (or not).</summary>
    private static Model TransferModel(bool? training)
    {
        Keras.ClearSession();
        var baseInput = Keras.Input(shape: [3], name: "base_input");
        var baseModel = new Model(baseInput, new BatchNormalization(name: "bn").Call(baseInput), name: "base");
        var x = Keras.Input(shape: [3], name: "x");
        var output = new Dense(1, name: "head", kernelInitializer: new Initializers.Constant(0.3)).Call(baseModel.Call(x, training: training));
        var model = new Model(x, output);
        model.Compile(new Optimizers.SGD(0.1), "mse");
        return model;
    }

    private static float[] MovingMean(Model model) =>
        (float[])((Model)model.GetLayer("base")).GetLayer("bn").GetWeights()[2];

    [Test]
    public void TrainingFalseKeepsAFrozenBatchNormalizationOnItsMovingStatistics()
    {
        var frozen = TransferModel(training: false);
        frozen.TrainOnBatch(X, Y);
        Assert.That(MovingMean(frozen), Is.EqualTo(new float[3]), "inference mode: the moving mean stays");
        var following = TransferModel(training: null);
        following.TrainOnBatch(X, Y);
        // Keras: moving = 0.99 · 0 + 0.01 · batch mean; the batch means are 0.625, 1, 1.
        Assert.That(MovingMean(following), Is.EqualTo(new[] { 0.00625f, 0.01f, 0.01f }).Within(1e-7));
        Assert.That(frozen.GetLayer("base").InboundNodes[^1].Training, Is.False);
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void FilesKeepTheTrainingArgument(string file)
    {
        var model = TransferModel(training: false);
        string folder = TemporaryFolder.Create("callargs");
        try
        {
            string path = Path.Combine(folder, file);
            model.Save(path);
            var again = Keras.LoadModel(path);
            again.Compile(new Optimizers.SGD(0.1), "mse");
            again.TrainOnBatch(X, Y);
            Assert.That(MovingMean(again), Is.EqualTo(new float[3]), "the reloaded call still runs in inference mode");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Keras's <c>mask=</c> call argument lives on the node: it replaces the inputs' masks, and files keep it.</summary>
public class MaskArgumentTests
{
    private static readonly float[] Values = Enumerable.Range(0, 2 * 5 * 3).Select(k => (float)Math.Sin(k * 0.7) + 1.5f).ToArray();
    private static readonly float[,] Keep = { { 1, 1, 0, 1, 0 }, { 1, 1, 1, 1, 1 } };

    /// <summary>x and a 0/1 mask as model inputs; an LSTM called with mask=.</summary>
    private static Model Masked(out LSTM lstm)
    {
        Keras.ClearSession();
        var x = Keras.Input(shape: [5, 3], name: "x");
        var mask = Keras.Input(shape: [5], name: "keep");
        lstm = new LSTM(2, returnSequences: true, name: "lstm");
        return new Model([x, mask], lstm.Call(x, mask: mask));
    }

    [Test]
    public void AnExplicitMaskSkipsTheStepsAsMaskingWould()
    {
        using var model = Masked(out var lstm);
        using var x = Tensor.From(Values, 2, 5, 3);
        using var keep = Tensor.From(Keep);
        using var masked = model.Predict([x, keep]);

        // The same LSTM behind Masking(0), with the masked steps zeroed: Keras's two ways to the same mask.
        var zeroed = (float[])Values.Clone();
        for (int s = 0; s < 2; s++) for (int t = 0; t < 5; t++) if (Keep[s, t] == 0) Array.Clear(zeroed, (s * 5 + t) * 3, 3);
        var input = Keras.Input(shape: [5, 3]);
        var viaMasking = new Model(input, lstm.Call(new Masking(0).Call(input)));
        using var zeroedInput = Tensor.From(zeroed, 2, 5, 3);
        using var expected = viaMasking.Predict(zeroedInput);
        Assert.That(masked.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()).Within(1e-6f));

        var unmasked = new Model(input, lstm.Call(input));
        using var plain = unmasked.Predict(x);
        Assert.That(plain.ToArray<float>(), Is.Not.EqualTo(masked.ToArray<float>()).Within(1e-3f), "the mask changes the numbers");
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void FilesKeepTheMaskArgument(string file)
    {
        using var model = Masked(out _);
        using var x = Tensor.From(Values, 2, 5, 3);
        using var keep = Tensor.From(Keep);
        using var expected = model.Predict([x, keep]);
        string path = Path.Combine(Path.GetTempPath(), $"tffunctional-mask-{Guid.NewGuid():N}-{file}");
        try
        {
            model.Save(path);
            using var loaded = Keras.LoadModel(path);
            Assert.That(loaded.GetLayer("lstm").InboundNodes[0].Masks, Is.Not.Null, "the node records its mask argument");
            using var actual = loaded.Predict([x, keep]);
            Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AMaskOfTheWrongShapeIsRefused()
    {
        Keras.ClearSession();
        var x = Keras.Input(shape: [5, 3]);
        var wrong = Keras.Input(shape: [4]);
        var error = Assert.Throws<ArgumentException>(() => new LSTM(2, name: "lstm").Call(x, mask: wrong));
        Assert.That(error!.Message, Does.Contain("the mask of input 0 has shape (None, 4), but input 0 of shape (None, 5, 3) takes a mask of shape (None, 5)"));
    }

    [Test]
    public void TheOnnxExportFollowsAnExplicitMask()
    {
        using var model = Masked(out _);
        using var x = Tensor.From(Values, 2, 5, 3);
        using var keep = Tensor.From(Keep);
        using var expected = model.Predict([x, keep]);
        model.UseOnnxRuntime();
        using var actual = model.Predict([x, keep]);
        Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()).Within(1e-5f));
    }
}
