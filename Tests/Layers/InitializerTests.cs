using TfFunctional.Initializers;

namespace TfFunctional.Tests.Layers;

public class InitializerTests
{
    private static float[] Values(Initializer initializer, params int[] shape)
    {
        using var t = initializer.Call(shape);
        return t.ToArray<float>();
    }

    [Test]
    public void GlorotUniformStaysWithinItsLimit()
    {
        var values = Values(new GlorotUniform(), 300, 200);
        double limit = Math.Sqrt(6.0 / 500);
        Assert.That(values.Max(), Is.LessThanOrEqualTo(limit).And.GreaterThan(limit * 0.98));
        Assert.That(values.Min(), Is.GreaterThanOrEqualTo(-limit).And.LessThan(-limit * 0.98));
        // Uniform on [-l, l]: variance l²/3.
        Assert.That(Variance(values), Is.EqualTo(limit * limit / 3).Within(3).Percent);
    }

    [TestCase("he_normal", 2.0, 400)]
    [TestCase("lecun_normal", 1.0, 400)]
    [TestCase("glorot_normal", 1.0, 350)]
    public void TruncatedNormalsHaveKerasVariance(string name, double scale, int fan)
    {
        // Shape (400, 300): fan_in 400, fan_avg 350; the truncated normal is rescaled so the variance is scale / fan.
        var values = Values(Initializer.Get(name), 400, 300);
        double n = fan;
        Assert.That(Variance(values), Is.EqualTo(scale / n).Within(3).Percent);
        double stddev = Math.Sqrt(scale / n) / 0.87962566103423978;
        Assert.That(values.Max(v => Math.Abs(v)), Is.LessThanOrEqualTo(2 * stddev + 1e-6));
    }

    [Test]
    public void SeedsMakeValuesReproducible()
    {
        Assert.That(Values(new GlorotUniform(seed: 7), 5, 5), Is.EqualTo(Values(new GlorotUniform(seed: 7), 5, 5)));
        Assert.That(Values(new GlorotUniform(seed: 7), 5, 5), Is.Not.EqualTo(Values(new GlorotUniform(seed: 8), 5, 5)));
    }

    [Test]
    public void OrthogonalColumnsAreOrthonormal()
    {
        var q = Values(new Orthogonal(gain: 2.0, seed: 3), 6, 4);
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
            {
                double dot = Enumerable.Range(0, 6).Sum(r => (double)q[r * 4 + a] * q[r * 4 + b]);
                Assert.That(dot, Is.EqualTo(a == b ? 4.0 : 0.0).Within(1e-5));
            }
    }

    [Test]
    public void ConstantsAndIdentity()
    {
        Assert.That(Values(new Zeros(), 2, 2), Is.All.EqualTo(0f));
        Assert.That(Values(new Ones(), 3), Is.All.EqualTo(1f));
        Assert.That(Values(new Constant(0.25), 2, 3), Is.All.EqualTo(0.25f));
        Assert.That(Values(new Identity(gain: 3), 2, 3), Is.EqualTo(new[] { 3f, 0, 0, 0, 3, 0 }));
        Assert.That(Values(new RandomUniform(-1, 1, seed: 1), 1000), Is.All.InRange(-1f, 1f));
        Assert.That(Values(new TruncatedNormal(0, 1, seed: 1), 1000), Is.All.InRange(-2f, 2f));
    }

    [Test]
    public void NamesResolveAndSerialize()
    {
        Assert.That(Initializer.Get("he_uniform"), Is.TypeOf<HeUniform>());
        Assert.That(new RandomNormal(stddev: 0.1).ToConfigJson()!.ToJsonString(),
            Is.EqualTo("{\"class_name\":\"RandomNormal\",\"config\":{\"mean\":0,\"stddev\":0.1,\"seed\":null}}"));
        var error = Assert.Throws<ArgumentException>(() => Initializer.Get("xavier"))!;
        Assert.That(error.Message, Does.StartWith("Could not interpret initializer identifier: xavier."));
    }

    private static double Variance(float[] values)
    {
        double mean = values.Average(v => (double)v);
        return values.Average(v => (v - mean) * (v - mean));
    }
}
