using System.Runtime;

namespace TfFunctional.Tests.Training;

public class TrainingMemoryTests
{
    /// <summary>
    /// Training steps must not hold gradient memory until the GC gets round to finalizing handles: with a 10 MB
    /// embedding gradient, gradient handles that outlived the step held 650 MB after 300 steps (measured).
    /// </summary>
    [Test]
    public void TrainingStepsDoNotHoldGradientMemoryUntilTheGarbageCollectorRuns()
    {
        Keras.ClearSession();
        var tokens = Keras.Input(shape: [20], dtype: DType.Int32);
        var pooled = new GlobalAveragePooling1D().Call(new Embedding(20_000, 128).Call(tokens));
        var model = new Model(tokens, new Dense(1, activation: "sigmoid").Call(pooled));
        model.Compile(optimizer: "rmsprop", loss: "binary_crossentropy");
        var random = new Random(4);
        var x = new int[16, 20];
        for (int r = 0; r < 16; r++)
            for (int c = 0; c < 20; c++) x[r, c] = random.Next(20_000);
        using var inputs = Tensor.From(x);
        using var targets = Tensor.From(new float[16, 1]);
        for (int step = 0; step < 20; step++) model.TrainOnBatch(inputs, targets);
        AssertFlatWithoutGarbageCollection(300, () => model.TrainOnBatch(inputs, targets));
    }

    /// <summary>
    /// Large gradients (VQA's Dense kernel) come fresh from each backward pass and are released after the step: a 33.5 MB
    /// kernel trains with the right numbers for three steps and memory stays flat over 100 more.
    /// </summary>
    [Test]
    public void LargeGradientsAreFreshEachStepAndReleased()
    {
        Keras.ClearSession();
        const int features = 8192, units = 1024;
        const double learningRate = 0.01;
        var input = Keras.Input(shape: [features]);
        var dense = new Dense(units, useBias: false, kernelInitializer: "zeros");
        var model = new Model(input, dense.Call(input));
        model.Compile(optimizer: new Optimizers.SGD(learningRate), loss: "mse");
        // Rows of 1s and of 2s, targets 1: every kernel entry stays equal (s), each output is a·features·s, and
        // d(mse)/dw = Σᵢ 2/(batch·units)·(aᵢ·features·s − 1)·aᵢ.
        double[] rowValues = [1, 2];
        var x = new float[2, features];
        for (int j = 0; j < features; j++) { x[0, j] = 1; x[1, j] = 2; }
        using var inputs = Tensor.From(x);
        using var targets = Tensor.From(Enumerable.Repeat(1f, 2 * units).ToArray(), 2, units);
        double s = 0;
        for (int step = 0; step < 3; step++)
        {
            model.TrainOnBatch(inputs, targets);
            s -= learningRate * rowValues.Sum(a => 2.0 / (2 * units) * (a * features * s - 1) * a);
            var kernel = dense.Kernel.KerasValue.ToArray<float>();
            Assert.That(kernel.Min(), Is.EqualTo(s).Within(1e-4 * Math.Abs(s)), $"step {step + 1}");
            Assert.That(kernel.Max(), Is.EqualTo(s).Within(1e-4 * Math.Abs(s)), $"step {step + 1}");
            using var gradient = dense.Kernel.Gradient;
            Assert.That(gradient, Is.Null, "the large gradient is released after the step");
        }
        AssertFlatWithoutGarbageCollection(100, () => model.TrainOnBatch(inputs, targets));
    }

    /// <summary>
    /// Runs <paramref name="steps"/> training steps in a no-GC region, so nothing is finalized meanwhile (memory held
    /// until finalization is what this catches), and asserts the resident set grew by less than 200 MB.
    /// </summary>
    private static void AssertFlatWithoutGarbageCollection(int steps, Action step)
    {
        long before = ProcessMemory.ResidentBytes();
        Assert.That(GC.TryStartNoGCRegion(200L * 1024 * 1024), Is.True, "no-GC region");
        try
        {
            for (int i = 0; i < steps; i++) step();
            Assert.That(GCSettings.LatencyMode, Is.EqualTo(GCLatencyMode.NoGCRegion), "the steps ran without a garbage collection");
        }
        finally
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        long after = ProcessMemory.ResidentBytes();
        TestContext.Out.WriteLine($"RSS before {before / 1048576.0:F1} MB, after {steps} steps {after / 1048576.0:F1} MB");
        Assert.That(after - before, Is.LessThan(200L * 1024 * 1024), $"resident memory grew by more than 200 MB over {steps} steps");
    }
}
