using TfFunctional.Callbacks;
using TfFunctional.Losses;
using TfFunctional.Metrics;

namespace TfFunctional.Tests.Training;

public class LossMetricCallbackTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static double Value(Loss loss, float[] yTrue, float[] yPred, int columns)
    {
        using var scope = Ops.NewScope();
        return Ops.Item(loss.Compute(Tensor.From(yTrue, yTrue.Length / columns, columns), Tensor.From(yPred, yPred.Length / columns, columns)));
    }

    [Test]
    public void RegressionAndRankingLossesMatchTheirFormulas()
    {
        float[] y = [0, 1, 2, -1];
        float[] p = [0.5f, 3, 1.5f, -1];
        double Mean(Func<double, double, double> f) => Enumerable.Range(0, 4).Average(i => f(y[i], p[i]));
        Assert.That(Value(new Huber(), y, p, 2), Is.EqualTo(Mean((a, b) => Math.Abs(a - b) <= 1 ? 0.5 * (a - b) * (a - b) : Math.Abs(a - b) - 0.5)).Within(1e-6));
        Assert.That(Value(new LogCosh(), y, p, 2), Is.EqualTo(Mean((a, b) => Math.Log(Math.Cosh(b - a)))).Within(1e-6));
        Assert.That(Value(new MeanAbsolutePercentageError(), [1, 2, 4, -2], [1.5f, 2, 3, -1], 2),
            Is.EqualTo(100 * (0.5 + 0 + 0.25 + 0.5) / 4).Within(1e-4));
        Assert.That(Value(new MeanSquaredLogarithmicError(), [1, 2], [3, 0], 2),
            Is.EqualTo((Math.Pow(Math.Log(4) - Math.Log(2), 2) + Math.Pow(Math.Log(1 + 1e-7) - Math.Log(3), 2)) / 2).Within(1e-6));
        Assert.That(Value(new Poisson(), [1, 0], [2, 1], 2), Is.EqualTo((2 - Math.Log(2 + 1e-7) + 1) / 2).Within(1e-6));
        Assert.That(Value(new KLDivergence(), [0.5f, 0.5f], [0.25f, 0.75f], 2),
            Is.EqualTo(0.5 * Math.Log(2) + 0.5 * Math.Log(0.5 / 0.75)).Within(1e-6));
        Assert.That(Value(new CosineSimilarity(), [1, 0], [1, 1], 2), Is.EqualTo(-1 / Math.Sqrt(2)).Within(1e-6));
        // Hinge on 0/1 labels: they become −1/1.
        Assert.That(Value(new Hinge(), [0, 1], [0.3f, 0.4f], 2), Is.EqualTo((1.3 + 0.6) / 2).Within(1e-6));
        Assert.That(Value(new SquaredHinge(), [0, 1], [0.3f, 0.4f], 2), Is.EqualTo((1.69 + 0.36) / 2).Within(1e-6));
        Assert.That(Value(new CategoricalHinge(), [0, 1, 0], [0.2f, 0.5f, 0.7f], 3), Is.EqualTo(1 + 0.7 - 0.5).Within(1e-6));
        Assert.That(Loss.Get("kld"), Is.TypeOf<KLDivergence>());
    }

    [Test]
    public void RankingAndConfusionMetrics()
    {
        using var yPred = Tensor.From(new float[] { 0.1f, 0.5f, 0.4f, 0.7f, 0.2f, 0.1f }, 2, 3);
        using var oneHot = Tensor.From(new float[] { 0, 0, 1, 0, 1, 0 }, 2, 3);
        var top1 = new TopKCategoricalAccuracy(k: 1);
        top1.UpdateState(oneHot, yPred);
        Assert.That(top1.Result(), Is.EqualTo(0.0));
        var top2 = new TopKCategoricalAccuracy(k: 2);
        top2.UpdateState(oneHot, yPred);
        Assert.That(top2.Result(), Is.EqualTo(1.0));
        var sparse = new SparseTopKCategoricalAccuracy(k: 1);
        using var labels = Tensor.From(new int[] { 1, 1 }, 2);
        sparse.UpdateState(labels, yPred);
        Assert.That(sparse.Result(), Is.EqualTo(0.5));

        using var truth = Tensor.From(new float[] { 1, 0, 1, 1, 0 }, 5, 1);
        using var scores = Tensor.From(new float[] { 0.9f, 0.8f, 0.3f, 0.6f, 0.1f }, 5, 1);
        var precision = new Precision();
        var recall = new Recall();
        var auc = new AUC();
        foreach (var metric in new Metric[] { precision, recall, auc }) metric.UpdateState(truth, scores);
        Assert.That(precision.Result(), Is.EqualTo(2 / 3.0).Within(1e-9));
        Assert.That(recall.Result(), Is.EqualTo(2 / 3.0).Within(1e-9));
        // 3 positives × 2 negatives: 4 of the 6 pairs are ranked correctly (0.3 and 0.6 fall below 0.8).
        Assert.That(auc.Result(), Is.EqualTo(4 / 6.0).Within(0.01));
        auc.ResetState();
        Assert.That(auc.Result(), Is.EqualTo(0.0));
    }

    private static (Model Model, float[,] X, float[,] Y) Regression()
    {
        var input = Keras.Input(shape: [2]);
        var model = new Model(input, new Dense(1).Call(input));
        var x = Reference.Matrix(64, 2, 3);
        var y = new float[64, 1];
        for (int i = 0; i < 64; i++) y[i, 0] = x[i, 0] - 2 * x[i, 1];
        return (model, x, y);
    }

    [Test]
    public void CheckpointsAndCsvLogs()
    {
        string folder = TemporaryFolder.Create("callbacks");
        try
        {
            var (model, x, y) = Regression();
            model.Compile(optimizer: new Optimizers.SGD(0.1), loss: "mse", metrics: ["mae"]);
            var checkpoint = new ModelCheckpoint(Path.Combine(folder, "model-{epoch:02d}-{loss:.3f}.keras"), monitor: "loss", saveBestOnly: true);
            string csv = Path.Combine(folder, "log.csv");
            var history = model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [checkpoint, new CSVLogger(csv)]);
            var saved = Directory.GetFiles(folder, "*.keras").Select(Path.GetFileName).Order().ToArray();
            var expected = Enumerable.Range(0, 3).Select(e => $"model-{e + 1:D2}-{history["loss"][e].ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}.keras");
            Assert.That(saved, Is.EqualTo(expected), "the loss improves every epoch, so each epoch is saved");
            Assert.That(Directory.GetFiles(folder, "*.tmp"), Is.Empty);
            var lines = File.ReadAllLines(csv);
            Assert.That(lines[0], Is.EqualTo("epoch,loss,mae"));
            Assert.That(lines, Has.Length.EqualTo(4));
            Assert.That(double.Parse(lines[3].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(history["loss"][2]));
            Assert.That(Keras.LoadModel(Path.Combine(folder, saved[^1]!)).CountParams(), Is.EqualTo(3L));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void LearningRateCallbacks()
    {
        var (model, x, y) = Regression();
        model.Compile(optimizer: new Optimizers.SGD(0.1), loss: "mse");
        var rates = new List<double>();
        model.Fit(x, y, epochs: 3, verbose: 0, callbacks: [new LearningRateScheduler((epoch, rate) => 0.1 / (epoch + 1)),
            new LambdaCallback(onEpochEnd: (_, _) => rates.Add(model.Optimizer!.LearningRate))]);
        Assert.That(rates, Is.EqualTo(new[] { 0.1, 0.05, 0.1 / 3 }).Within(1e-12));

        model.Compile(optimizer: new Optimizers.SGD(0.0), loss: "mse");
        model.Fit(x, y, epochs: 4, verbose: 0, shuffle: false, callbacks: [new ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 2)]);
        Assert.That(model.Optimizer!.LearningRate, Is.EqualTo(0.0), "a zero rate stays at min_lr 0");
        model.Compile(optimizer: new Optimizers.SGD(1e-12), loss: "mse");
        model.Fit(x, y, epochs: 3, verbose: 0, shuffle: false, callbacks: [new ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 2, minDelta: 1)]);
        Assert.That(model.Optimizer!.LearningRate, Is.EqualTo(5e-13).Within(1e-20), "epochs 2 and 3 do not improve by 1: one reduction");
    }

    [Test]
    public void TerminateOnNaNStopsAtTheBatch()
    {
        var (model, x, y) = Regression();
        y[0, 0] = float.NaN;
        model.Compile(optimizer: new Optimizers.SGD(0.1), loss: "mse");
        var batches = new List<int>();
        var history = model.Fit(x, y, epochs: 5, batchSize: 8, verbose: 0, shuffle: false,
            callbacks: [new TerminateOnNaN(), new LambdaCallback(onBatchEnd: (b, _) => batches.Add(b))]);
        Assert.That(batches, Is.EqualTo(new[] { 0 }));
        Assert.That(history["loss"], Has.Count.EqualTo(1));
        Assert.That(double.IsNaN(history["loss"][0]));
    }

    [Test]
    public void FitFromABatchSource()
    {
        var (model, x, y) = Regression();
        model.Compile(optimizer: new Optimizers.SGD(0.1), loss: "mse");
        IEnumerable<(ModelData, ModelData)> Batches()
        {
            for (int start = 0; start < 64; start += 16)
            {
                var xb = new float[16, 2];
                var yb = new float[16, 1];
                for (int i = 0; i < 16; i++) { xb[i, 0] = x[start + i, 0]; xb[i, 1] = x[start + i, 1]; yb[i, 0] = y[start + i, 0]; }
                yield return (xb, yb);
            }
        }
        var history = model.Fit(Batches(), epochs: 5, verbose: 0);
        Assert.That(history["loss"], Has.Count.EqualTo(5));
        Assert.That(history["loss"][^1], Is.LessThan(history["loss"][0]));
    }
}
