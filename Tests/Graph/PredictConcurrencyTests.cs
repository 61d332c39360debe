namespace TfFunctional.Tests.Graph;

public class PredictConcurrencyTests
{
    private static Model Mlp()
    {
        var inputs = Keras.Input(shape: [784]);
        var x = new Dense(64, activation: "relu", kernelInitializer: new Initializers.GlorotUniform(seed: 1)).Call(inputs);
        x = new Dense(64, activation: "relu", kernelInitializer: new Initializers.GlorotUniform(seed: 2)).Call(x);
        return new Model(inputs, new Dense(10, activation: "softmax", kernelInitializer: new Initializers.GlorotUniform(seed: 3)).Call(x));
    }

    [Test]
    public void PredictFromEightThreadsMatchesOneThread()
    {
        var model = Mlp();
        var inputs = Enumerable.Range(0, 8).Select(i => Reference.Matrix(4, 784, 100 + i)).ToArray();
        var expected = inputs.Select(x =>
        {
            using var y = model.Predict(x);
            return y.ToArray<float>();
        }).ToArray();

        var actual = new float[8][];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            for (int repeat = 0; repeat < 200; repeat++)
            {
                using var y = model.Predict(inputs[i]);
                var values = y.ToArray<float>();
                if (repeat == 0 || !values.SequenceEqual(actual[i])) actual[i] = values;
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        for (int i = 0; i < 8; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]), $"thread {i}");
    }

    [Test]
    public void HundredThousandPredictCallsKeepResidentMemoryFlat()
    {
        var model = Mlp();
        using var x = Tensor.From(Reference.Matrix(1, 784, 5));
        void Calls(int count)
        {
            for (int i = 0; i < count; i++)
            {
                using var y = model.Predict(x);
            }
        }
        Calls(20_000);   // warm-up: allocator arenas and caches reach their plateau
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = ProcessMemory.ResidentBytes();
        Calls(100_000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long after = ProcessMemory.ResidentBytes();
        TestContext.Out.WriteLine($"RSS before {before / 1048576.0:F1} MB, after 100,000 calls {after / 1048576.0:F1} MB");
        Assert.That(after - before, Is.LessThan(16L * 1024 * 1024), "resident memory grew by more than 16 MB over 100,000 calls");
    }
}
