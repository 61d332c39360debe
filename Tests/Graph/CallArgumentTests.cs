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
        string folder = Path.Combine(Path.GetTempPath(), "tffunctional-callargs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
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
