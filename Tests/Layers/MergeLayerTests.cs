namespace TfFunctional.Tests.Layers;

/// <summary>Each merge layer on small inputs whose results are worked out by hand.</summary>
public class MergeLayerTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static float[] Run(Func<IReadOnlyList<KerasTensor>, KerasTensor> merge, params float[][,] inputs)
    {
        var symbols = inputs.Select(i => Keras.Input(shape: [i.GetLength(1)])).ToArray();
        var model = new Model(symbols, merge(symbols));
        using var y = model.Predict(inputs.Cast<Array>().ToArray());
        return y.ToArray<float>();
    }

    private static readonly float[,] A = { { 1, -2, 3 }, { 4, 5, -6 } };
    private static readonly float[,] B = { { 2, 2, -1 }, { 0.5f, -5, 3 } };
    private static readonly float[,] C = { { -1, 0, 1 }, { 1, 1, 1 } };

    [Test]
    public void Add() => Assert.That(Run(t => Keras.Layers.Add(t), A, B, C), Is.EqualTo(new[] { 2f, 0, 3, 5.5f, 1, -2 }));

    [Test]
    public void Subtract() => Assert.That(Run(t => Keras.Layers.Subtract(t), A, B), Is.EqualTo(new[] { -1f, -4, 4, 3.5f, 10, -9 }));

    [Test]
    public void Multiply() => Assert.That(Run(t => Keras.Layers.Multiply(t), A, B), Is.EqualTo(new[] { 2f, -4, -3, 2, -25, -18 }));

    [Test]
    public void Average() => Assert.That(Run(t => Keras.Layers.Average(t), A, B), Is.EqualTo(new[] { 1.5f, 0, 1, 2.25f, 0, -1.5f }));

    [Test]
    public void Maximum() => Assert.That(Run(t => Keras.Layers.Maximum(t), A, B), Is.EqualTo(new[] { 2f, 2, 3, 4, 5, 3 }));

    [Test]
    public void Minimum() => Assert.That(Run(t => Keras.Layers.Minimum(t), A, B), Is.EqualTo(new[] { 1f, -2, -1, 0.5f, -5, -6 }));

    [Test]
    public void Concatenate() =>
        Assert.That(Run(t => Keras.Layers.Concatenate(t), A, B), Is.EqualTo(new[] { 1f, -2, 3, 2, 2, -1, 4, 5, -6, 0.5f, -5, 3 }));

    [Test]
    public void Dot()
    {
        // Row 0: 1·2 − 2·2 − 3·1 = −5; row 1: 4·0.5 − 5·5 − 6·3 = −41.
        Assert.That(Run(t => Keras.Layers.Dot(t, axes: 1), A, B), Is.EqualTo(new[] { -5f, -41 }));
    }

    [Test]
    public void DotNormalizedIsTheCosineSimilarity()
    {
        double Cos(double[] u, double[] v) => u.Zip(v, (x, y) => x * y).Sum() / Math.Sqrt(u.Sum(x => x * x) * v.Sum(x => x * x));
        var expected = new[] { Cos([1, -2, 3], [2, 2, -1]), Cos([4, 5, -6], [0.5, -5, 3]) };
        Assert.That(Run(t => Keras.Layers.Dot(t, axes: -1, normalize: true), A, B), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void DotOfSequencesContractsTheChosenAxes()
    {
        // x (1, 2, 3), y (1, 2, 2), axes (1, 1): out[i, j] = Σ_t x[t, i] · y[t, j].
        var x = Keras.Input(shape: [2, 3]);
        var y = Keras.Input(shape: [2, 2]);
        var dot = Keras.Layers.Dot([x, y], axes: [1, 1]);
        Assert.That(dot.Shape, Is.EqualTo(new Shape(null, 3, 2)));
        var model = new Model([x, y], dot);
        float[,,] xs = { { { 1, 2, 3 }, { 4, 5, 6 } } };
        float[,,] ys = { { { 1, 0 }, { 2, 1 } } };
        using var result = model.Predict([xs, ys]);
        Assert.That(result.ToArray<float>(), Is.EqualTo(new[] { 9f, 4, 12, 5, 15, 6 }));
    }

    [Test]
    public void BroadcastingFollowsKeras()
    {
        var x = Keras.Input(shape: [4, 3]);
        var y = Keras.Input(shape: [1, 3]);
        Assert.That(Keras.Layers.Add([x, y]).Shape, Is.EqualTo(new Shape(null, 4, 3)));
    }

    [Test]
    public void KerasOneCosAndDotModes()
    {
        var expectedDot = new[] { -5f, -41 };
        Assert.That(Run(t => Keras.Layers.Merge(t, mode: "dot"), A, B), Is.EqualTo(expectedDot));
        double cos0 = -5 / Math.Sqrt(14 * 9.0);
        Assert.That(Run(t => Keras.Layers.Merge(t, mode: "cos"), A, B)[0], Is.EqualTo(cos0).Within(1e-6));
        var error = Assert.Throws<ArgumentException>(() => new Merge("avg"))!;
        Assert.That(error.Message, Does.StartWith("Invalid merge mode: avg."));
    }
}
