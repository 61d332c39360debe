using TfFunctional.Optimizers;

namespace TfFunctional.Tests.Training;

/// <summary>
/// A few TrainOnBatch steps of Dense + MSE against the same steps computed here by hand: the gradient of a linear
/// layer under MSE, and each optimizer's update rule as Keras writes it (keras/src/optimizers/*.py).
/// </summary>
public class OptimizerRuleTests
{
    private static readonly float[,] X = { { 1, 2 }, { 3, -1 }, { -0.5f, 0.25f } };
    private static readonly float[,] Y = { { 1, 0 }, { 0, 1 }, { 0.5f, -0.5f } };
    private static readonly float[,] Kernel = { { 0.5f, -0.2f }, { -1, 0.3f } };
    private static readonly float[] Bias = [0.1f, -0.1f];

    /// <summary>Gradients of mean((xW + b − y)²) with respect to W (flattened row-major) and b.</summary>
    private static (double[] Kernel, double[] Bias) Gradients(double[] w, double[] b)
    {
        int n = X.GetLength(0), inputs = 2, units = 2;
        var gw = new double[inputs * units];
        var gb = new double[units];
        for (int i = 0; i < n; i++)
            for (int u = 0; u < units; u++)
            {
                double prediction = b[u];
                for (int k = 0; k < inputs; k++) prediction += X[i, k] * w[k * units + u];
                double g = 2 * (prediction - Y[i, u]) / (n * units);
                for (int k = 0; k < inputs; k++) gw[k * units + u] += X[i, k] * g;
                gb[u] += g;
            }
        return (gw, gb);
    }

    private static (float[] Kernel, float[] Bias) Train(Optimizer optimizer, int steps)
    {
        var input = Keras.Input(shape: [2]);
        var dense = new Dense(2);
        var model = new Model(input, dense.Call(input));
        dense.SetWeights([Kernel, Bias]);
        model.Compile(optimizer, loss: "mse");
        for (int s = 0; s < steps; s++) model.TrainOnBatch(X, Y);
        var weights = dense.GetWeights();
        return (((float[,])weights[0]).Cast<float>().ToArray(), (float[])weights[1]);
    }

    private static (double[] Kernel, double[] Bias) Reference(int steps, Action<double[], double[], Dictionary<string, double[]>, int, string> update)
    {
        var w = Kernel.Cast<float>().Select(v => (double)v).ToArray();
        var b = Bias.Select(v => (double)v).ToArray();
        var slots = new Dictionary<string, double[]>();
        for (int t = 1; t <= steps; t++)
        {
            var (gw, gb) = Gradients(w, b);
            update(w, gw, slots, t, "kernel");
            update(b, gb, slots, t, "bias");
        }
        return (w, b);
    }

    private static double[] SlotOf(Dictionary<string, double[]> slots, string key, int length, double initial = 0) =>
        slots.TryGetValue(key, out var s) ? s : slots[key] = Enumerable.Repeat(initial, length).ToArray();

    private static void AssertClose((float[] Kernel, float[] Bias) actual, (double[] Kernel, double[] Bias) expected)
    {
        Assert.That(actual.Kernel, Is.EqualTo(expected.Kernel).Within(1e-5));
        Assert.That(actual.Bias, Is.EqualTo(expected.Bias).Within(1e-5));
    }

    [Test]
    public void PlainSgd() => AssertClose(Train(new SGD(0.1), 3), Reference(3, (w, g, _, _, _) =>
    {
        for (int i = 0; i < w.Length; i++) w[i] -= 0.1 * g[i];
    }));

    [TestCase(false)]
    [TestCase(true)]
    public void SgdWithMomentum(bool nesterov) => AssertClose(Train(new SGD(0.1, momentum: 0.9, nesterov: nesterov), 4), Reference(4, (w, g, slots, _, key) =>
    {
        var m = SlotOf(slots, key, w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = 0.9 * m[i] - 0.1 * g[i];
            w[i] += nesterov ? 0.9 * m[i] - 0.1 * g[i] : m[i];
        }
    }));

    [Test]
    public void RmspropKeepsEpsilonInsideTheRoot() => AssertClose(Train(new RMSprop(0.01), 3), Reference(3, (w, g, slots, _, key) =>
    {
        var v = SlotOf(slots, key, w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i];
            w[i] -= 0.01 * g[i] / Math.Sqrt(v[i] + 1e-7);
        }
    }));

    [Test]
    public void CenteredRmspropWithMomentum() => AssertClose(Train(new RMSprop(0.01, rho: 0.8, momentum: 0.5, centered: true), 3), Reference(3, (w, g, slots, _, key) =>
    {
        var v = SlotOf(slots, key + "v", w.Length);
        var a = SlotOf(slots, key + "a", w.Length);
        var m = SlotOf(slots, key + "m", w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            v[i] = 0.8 * v[i] + 0.2 * g[i] * g[i];
            a[i] = 0.8 * a[i] + 0.2 * g[i];
            double increment = 0.01 * g[i] / Math.Sqrt(v[i] - a[i] * a[i] + 1e-7);
            m[i] = 0.5 * m[i] + increment;
            w[i] -= m[i];
        }
    }));

    [TestCase(false)]
    [TestCase(true)]
    public void AdamUsesTheEpsilonHatForm(bool amsgrad) => AssertClose(Train(new Adam(0.01, amsgrad: amsgrad), 4), Reference(4, (w, g, slots, t, key) =>
    {
        var m = SlotOf(slots, key + "m", w.Length);
        var v = SlotOf(slots, key + "v", w.Length);
        var vMax = SlotOf(slots, key + "vmax", w.Length);
        double alpha = 0.01 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
        for (int i = 0; i < w.Length; i++)
        {
            m[i] += (g[i] - m[i]) * 0.1;
            v[i] += (g[i] * g[i] - v[i]) * 0.001;
            vMax[i] = Math.Max(vMax[i], v[i]);
            w[i] -= alpha * m[i] / (Math.Sqrt(amsgrad ? vMax[i] : v[i]) + 1e-7);
        }
    }));

    [Test]
    public void AdagradStartsItsAccumulatorAtZeroPointOne() => AssertClose(Train(new Adagrad(0.1), 3), Reference(3, (w, g, slots, _, key) =>
    {
        var acc = SlotOf(slots, key, w.Length, 0.1);
        for (int i = 0; i < w.Length; i++)
        {
            acc[i] += g[i] * g[i];
            w[i] -= 0.1 * g[i] / Math.Sqrt(acc[i] + 1e-7);
        }
    }));

    [Test]
    public void AdamWDecaysWeightsBeforeAdam() => AssertClose(Train(new AdamW(0.01, weightDecay: 0.1), 3), Reference(3, (w, g, slots, t, key) =>
    {
        var m = SlotOf(slots, key + "m", w.Length);
        var v = SlotOf(slots, key + "v", w.Length);
        double alpha = 0.01 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
        for (int i = 0; i < w.Length; i++)
        {
            w[i] -= w[i] * 0.1 * 0.01;
            m[i] += (g[i] - m[i]) * 0.1;
            v[i] += (g[i] * g[i] - v[i]) * 0.001;
            w[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + 1e-7);
        }
    }));

    [Test]
    public void AdamaxUsesTheInfinityNorm() => AssertClose(Train(new Adamax(0.02), 3), Reference(3, (w, g, slots, t, key) =>
    {
        var m = SlotOf(slots, key + "m", w.Length);
        var u = SlotOf(slots, key + "u", w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            m[i] += (g[i] - m[i]) * 0.1;
            u[i] = Math.Max(0.999 * u[i], Math.Abs(g[i]));
            w[i] -= 0.02 * m[i] / ((1 - Math.Pow(0.9, t)) * (u[i] + 1e-7));
        }
    }));

    [Test]
    public void NadamFollowsKerasMomentumSchedule()
    {
        double product = 1;
        int lastStep = 0;
        AssertClose(Train(new Nadam(0.01), 3), Reference(3, (w, g, slots, t, key) =>
        {
            if (t != lastStep) { product *= 0.9 * (1 - 0.5 * Math.Pow(0.96, t)); lastStep = t; }
            var m = SlotOf(slots, key + "m", w.Length);
            var v = SlotOf(slots, key + "v", w.Length);
            double ut = 0.9 * (1 - 0.5 * Math.Pow(0.96, t)), utNext = 0.9 * (1 - 0.5 * Math.Pow(0.96, t + 1));
            for (int i = 0; i < w.Length; i++)
            {
                m[i] += (g[i] - m[i]) * 0.1;
                v[i] += (g[i] * g[i] - v[i]) * 0.001;
                double mHat = utNext * m[i] / (1 - product * utNext) + (1 - ut) * g[i] / (1 - product);
                double vHat = v[i] / (1 - Math.Pow(0.999, t));
                w[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-7);
            }
        }));
    }

    [Test]
    public void AdadeltaScalesByRunningAverages() => AssertClose(Train(new Adadelta(1.0), 3), Reference(3, (w, g, slots, _, key) =>
    {
        var a = SlotOf(slots, key + "a", w.Length);
        var d = SlotOf(slots, key + "d", w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            a[i] = 0.95 * a[i] + 0.05 * g[i] * g[i];
            double delta = -Math.Sqrt(d[i] + 1e-7) / Math.Sqrt(a[i] + 1e-7) * g[i];
            d[i] = 0.95 * d[i] + 0.05 * delta * delta;
            w[i] += 1.0 * delta;
        }
    }));

    [Test]
    public void FtrlProximalUpdate() => AssertClose(Train(new Ftrl(0.1, l1RegularizationStrength: 0.001, l2RegularizationStrength: 0.01), 3), Reference(3, (w, g, slots, _, key) =>
    {
        var n = SlotOf(slots, key + "n", w.Length, 0.1);
        var z = SlotOf(slots, key + "z", w.Length);
        for (int i = 0; i < w.Length; i++)
        {
            double newN = n[i] + g[i] * g[i];
            z[i] += g[i] - (Math.Sqrt(newN) - Math.Sqrt(n[i])) / 0.1 * w[i];
            double quadratic = Math.Sqrt(newN) / 0.1 + 2 * 0.01;
            w[i] = (Math.Clamp(z[i], -0.001, 0.001) - z[i]) / quadratic;
            n[i] = newN;
        }
    }));

    [Test]
    public void SchedulesGiveKerasLearningRates()
    {
        Assert.That(new ExponentialDecay(0.1, 10, 0.5).Call(5), Is.EqualTo(0.1 * Math.Pow(0.5, 0.5)).Within(1e-12));
        Assert.That(new ExponentialDecay(0.1, 10, 0.5, staircase: true).Call(15), Is.EqualTo(0.05).Within(1e-12));
        Assert.That(new InverseTimeDecay(0.1, 10, 0.5).Call(20), Is.EqualTo(0.05).Within(1e-12));
        Assert.That(new CosineDecay(0.1, 100, alpha: 0.1).Call(50), Is.EqualTo(0.1 * (0.9 * 0.5 + 0.1)).Within(1e-12));
        Assert.That(new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]).Call(15), Is.EqualTo(0.5));
        // A schedule drives SGD: step 0 uses 0.1, step 1 uses 0.05.
        var (kernel, _) = Train(new SGD() { Schedule = new PiecewiseConstantDecay([0], [0.1, 0.05]) }, 2);
        var expected = Reference(2, (w, g, _, t, _) => { for (int i = 0; i < w.Length; i++) w[i] -= (t == 1 ? 0.1 : 0.05) * g[i]; });
        Assert.That(kernel, Is.EqualTo(expected.Kernel).Within(1e-5));
    }

    [Test]
    public void ClipvalueClipsEachGradient() => AssertClose(Train(new SGD(0.1, clipvalue: 0.05), 2), Reference(2, (w, g, _, _, _) =>
    {
        for (int i = 0; i < w.Length; i++) w[i] -= 0.1 * Math.Clamp(g[i], -0.05, 0.05);
    }));

    [Test]
    public void GlobalClipnormScalesAllGradientsTogether()
    {
        // Reference: the joint norm over kernel and bias gradients of the same step.
        var w = Kernel.Cast<float>().Select(v => (double)v).ToArray();
        var b = Bias.Select(v => (double)v).ToArray();
        var (gw, gb) = Gradients(w, b);
        double norm = Math.Sqrt(gw.Concat(gb).Sum(v => v * v));
        double scale = 0.1 / Math.Max(norm, 0.1);
        var expected = (w.Zip(gw, (p, g) => p - 0.5 * g * scale).ToArray(), b.Zip(gb, (p, g) => p - 0.5 * g * scale).ToArray());
        AssertClose(Train(new SGD(0.5, globalClipnorm: 0.1), 1), expected);
    }
}
