using TfFunctional.Activations;

namespace TfFunctional.Tests.Layers;

/// <summary>Recurrent layers against naive loops written here from Keras's cell equations.</summary>
public class RecurrentLayerTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>x·W for one time step: W is (in, k) in Keras layout.</summary>
    private static double[] Project(float[] x, float[,] w, float[]? bias, int offset = 0)
    {
        int k = w.GetLength(1);
        var y = new double[k];
        for (int j = 0; j < k; j++)
        {
            double sum = bias is null ? 0 : bias[offset + j];
            for (int i = 0; i < x.Length; i++) sum += x[i] * w[i, j];
            y[j] = sum;
        }
        return y;
    }

    private static float[] Row(float[,,] x, int b, int t) => Enumerable.Range(0, x.GetLength(2)).Select(f => x[b, t, f]).ToArray();

    private static double[] ReferenceLstm(float[,,] x, float[,] w, float[,] u, float[] bias, int units, Func<double, double> gate, bool[,]? mask = null)
    {
        int batch = x.GetLength(0), steps = x.GetLength(1);
        var outputs = new List<double>();
        for (int b = 0; b < batch; b++)
        {
            var h = new double[units];
            var c = new double[units];
            for (int t = 0; t < steps; t++)
            {
                if (mask is not null && !mask[b, t]) continue;
                var z = Project(Row(x, b, t), w, bias);
                var recurrent = Project(h.Select(v => (float)v).ToArray(), u, null);
                var hNew = new double[units];
                for (int j = 0; j < units; j++)
                {
                    double i = gate(z[j] + recurrent[j]), f = gate(z[units + j] + recurrent[units + j]);
                    double candidate = Math.Tanh(z[2 * units + j] + recurrent[2 * units + j]);
                    double o = gate(z[3 * units + j] + recurrent[3 * units + j]);
                    c[j] = f * c[j] + i * candidate;
                    hNew[j] = o * Math.Tanh(c[j]);
                }
                h = hNew;
            }
            outputs.AddRange(h);
        }
        return outputs.ToArray();
    }

    private static float[,,] Sequence(int batch, int steps, int features, int seed)
    {
        var flat = Reference.Matrix(batch * steps, features, seed);
        var x = new float[batch, steps, features];
        for (int b = 0; b < batch; b++) for (int t = 0; t < steps; t++) for (int f = 0; f < features; f++) x[b, t, f] = flat[b * steps + t, f];
        return x;
    }

    private static (float[,] W, float[,] U, float[] B) LstmWeights(int features, int units)
    {
        var w = Reference.Matrix(features, 4 * units, 1);
        var u = Reference.Matrix(units, 4 * units, 2);
        var bias = Reference.Vector(4 * units, 3);
        return (w, u, bias);
    }

    [Test]
    public void FusedLstmMatchesKerasEquations()
    {
        var x = Sequence(2, 5, 3, 4);
        var (w, u, bias) = LstmWeights(3, 4);
        var input = Keras.Input(shape: [5, 3]);
        var lstm = new LSTM(4);
        var model = new Model(input, lstm.Call(input));
        lstm.SetWeights([w, u, bias]);
        Assert.That(lstm.Weights.Select(v => v.Path), Is.EqualTo(new[] { "lstm/lstm_cell/kernel", "lstm/lstm_cell/recurrent_kernel", "lstm/lstm_cell/bias" }));
        Assert.That(lstm.Weights.Select(v => v.Shape.ToString()), Is.EqualTo(new[] { "(3, 16)", "(4, 16)", "(16,)" }));
        Assert.That(lstm.GetWeights()[0], Is.EqualTo(w), "GetWeights gives the Keras layout back");
        using var y = model.Predict(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(ReferenceLstm(x, w, u, bias, 4, Sigmoid)).Within(1e-5));
    }

    [Test]
    public void StepLoopLstmWithLegacyHardSigmoidMatches()
    {
        var x = Sequence(2, 4, 3, 5);
        var (w, u, bias) = LstmWeights(3, 4);
        var lstm = new LSTM(4, recurrentActivation: ActivationFunction.HardSigmoidLegacy);
        var input = Keras.Input(shape: [4, 3]);
        var model = new Model(input, lstm.Call(input));
        lstm.SetWeights([w, u, bias]);
        using var y = model.Predict(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(ReferenceLstm(x, w, u, bias, 4, v => Math.Clamp(0.2 * v + 0.5, 0, 1))).Within(1e-5));
    }

    [Test]
    public void FusedAndStepLoopPathsAgree()
    {
        var x = Sequence(3, 6, 3, 6);
        var (w, u, bias) = LstmWeights(3, 4);
        var fused = new LSTM(4, returnSequences: true);
        var looped = new LSTM(4, returnSequences: true, activation: (Func<Tensor, Tensor>)Ops.Tanh);   // a function forces the loop
        var input = Keras.Input(shape: [6, 3]);
        var model = new Model(input, [fused.Call(input), looped.Call(input)]);
        fused.SetWeights([w, u, bias]);
        looped.SetWeights([w, u, bias]);
        var outputs = model.PredictOutputs(x);
        Assert.That(outputs[0].Shape, Is.EqualTo(new Shape(3, 6, 4)));
        Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(outputs[0].ToArray<float>()).Within(1e-6));
        foreach (var o in outputs) o.Dispose();
    }

    [Test]
    public void MaskedStepsKeepThePreviousState()
    {
        // Embedding(maskZero) → LSTM: trailing zeros are padding; the result equals the LSTM on the unpadded prefix.
        int[,] ids = { { 3, 1, 2, 0, 0 }, { 4, 4, 1, 2, 3 } };
        var table = Reference.Matrix(5, 3, 9);
        var tokens = Keras.Input(shape: [5], dtype: DType.Int32);
        var embedding = new Embedding(5, 3, maskZero: true);
        var lstm = new LSTM(4);
        var model = new Model(tokens, lstm.Call(embedding.Call(tokens)));
        var (w, u, bias) = LstmWeights(3, 4);
        embedding.SetWeights([table]);
        lstm.SetWeights([w, u, bias]);

        var x = new float[2, 5, 3];
        var mask = new bool[2, 5];
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 5; t++)
            {
                mask[b, t] = ids[b, t] != 0;
                for (int f = 0; f < 3; f++) x[b, t, f] = table[ids[b, t], f];
            }
        using var y = model.Predict(ids);
        Assert.That(y.ToArray<float>(), Is.EqualTo(ReferenceLstm(x, w, u, bias, 4, Sigmoid, mask)).Within(1e-5));
    }

    [Test]
    public void ReturnStateGivesOutputHiddenAndCell()
    {
        var input = Keras.Input(shape: [4, 3]);
        var outputs = new LSTM(5, returnState: true, returnSequences: true).CallOutputs(input);
        Assert.That(outputs.Select(o => o.Shape.ToString()), Is.EqualTo(new[] { "(None, 4, 5)", "(None, 5)", "(None, 5)" }));
        var model = new Model(input, outputs);
        var results = model.PredictOutputs(Sequence(2, 4, 3, 1));
        Assert.That(Ops.Select(results[0], 1, 3).ToArray<float>(), Is.EqualTo(results[1].ToArray<float>()), "last output = final h");
        foreach (var r in results) r.Dispose();
    }

    [Test]
    public void InitialStatesAreExtraInputs()
    {
        var x = Sequence(1, 3, 2, 11);
        var (w, u, bias) = LstmWeights(2, 3);
        var input = Keras.Input(shape: [3, 2]);
        var h0 = Keras.Input(shape: [3]);
        var c0 = Keras.Input(shape: [3]);
        var lstm = new LSTM(3);
        var model = new Model([input, h0, c0], lstm.Call([input, h0, c0]));
        lstm.SetWeights([w, u, bias]);
        using var zeros = model.Predict([x, new float[1, 3], new float[1, 3]]);
        Assert.That(zeros.ToArray<float>(), Is.EqualTo(ReferenceLstm(x, w, u, bias, 3, Sigmoid)).Within(1e-5));
        using var other = model.Predict([x, new float[,] { { 1, -1, 0.5f } }, new float[,] { { 0.5f, 0.5f, -2 } }]);
        Assert.That(other.ToArray<float>(), Is.Not.EqualTo(zeros.ToArray<float>()));
    }

    [Test]
    public void GoBackwardsReadsTheSequenceReversed()
    {
        var x = Sequence(1, 4, 2, 12);
        var reversed = new float[1, 4, 2];
        for (int t = 0; t < 4; t++) for (int f = 0; f < 2; f++) reversed[0, t, f] = x[0, 3 - t, f];
        var (w, u, bias) = LstmWeights(2, 3);
        var input = Keras.Input(shape: [4, 2]);
        var lstm = new LSTM(3, goBackwards: true);
        var model = new Model(input, lstm.Call(input));
        lstm.SetWeights([w, u, bias]);
        using var y = model.Predict(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(ReferenceLstm(reversed, w, u, bias, 3, Sigmoid)).Within(1e-5));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GruMatchesKerasEquations(bool resetAfter)
    {
        var x = Sequence(2, 4, 3, 13);
        int units = 3;
        var w = Reference.Matrix(3, 3 * units, 14);
        var u = Reference.Matrix(units, 3 * units, 15);
        var inputBias = Reference.Vector(3 * units, 16);
        var recurrentBias = Reference.Vector(3 * units, 17);
        var gru = new GRU(units, resetAfter: resetAfter);
        var input = Keras.Input(shape: [4, 3]);
        var model = new Model(input, gru.Call(input));
        Array biasArray = resetAfter
            ? new float[2, 3 * units].Also(b => { for (int j = 0; j < 3 * units; j++) { b[0, j] = inputBias[j]; b[1, j] = recurrentBias[j]; } })
            : inputBias;
        gru.SetWeights([w, u, biasArray]);

        var expected = new List<double>();
        for (int b = 0; b < 2; b++)
        {
            var h = new double[units];
            for (int t = 0; t < 4; t++)
            {
                var xz = Project(Row(x, b, t), w, inputBias);
                var hf = h.Select(v => (float)v).ToArray();
                var rec = Project(hf, u, resetAfter ? recurrentBias : null);
                var next = new double[units];
                for (int j = 0; j < units; j++)
                {
                    double z = Sigmoid(xz[j] + rec[j]);
                    double r = Sigmoid(xz[units + j] + rec[units + j]);
                    double candidate;
                    if (resetAfter)
                        candidate = Math.Tanh(xz[2 * units + j] + r * rec[2 * units + j]);
                    else
                    {
                        double sum = 0;
                        for (int k = 0; k < units; k++)
                            sum += Sigmoid(xz[units + k] + rec[units + k]) * h[k] * u[k, 2 * units + j];
                        candidate = Math.Tanh(xz[2 * units + j] + sum);
                    }
                    next[j] = z * h[j] + (1 - z) * candidate;
                }
                h = next;
            }
            expected.AddRange(h);
        }
        using var y = model.Predict(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-5));
        Assert.That(gru.Weights[2].Shape, Is.EqualTo(resetAfter ? new Shape(2, 9) : new Shape(9)));
    }

    [Test]
    public void SimpleRnnMatchesItsEquation()
    {
        var x = Sequence(2, 3, 2, 21);
        var w = Reference.Matrix(2, 3, 22);
        var u = Reference.Matrix(3, 3, 23);
        var bias = Reference.Vector(3, 24);
        var rnn = new SimpleRNN(3, returnSequences: true);
        var input = Keras.Input(shape: [3, 2]);
        var model = new Model(input, rnn.Call(input));
        rnn.SetWeights([w, u, bias]);
        var expected = new List<double>();
        for (int b = 0; b < 2; b++)
        {
            var h = new double[3];
            for (int t = 0; t < 3; t++)
            {
                var z = Project(Row(x, b, t), w, bias);
                var rec = Project(h.Select(v => (float)v).ToArray(), u, null);
                h = z.Zip(rec, (p, q) => Math.Tanh(p + q)).ToArray();
                expected.AddRange(h);
            }
        }
        using var y = model.Predict(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void LstmGradientsMatchFiniteDifferences()
    {
        var x = Sequence(1, 3, 2, 31);
        var (w, u, bias) = LstmWeights(2, 2);
        var lstm = new LSTM(2);
        lstm.Build(null, 3, 2);
        lstm.SetWeights([w, u, bias]);
        using var input = Tensor.From(x);
        double Loss()
        {
            using var y = lstm.Call(input);
            return y.ToArray<float>().Sum(v => (double)v);
        }
        double[] analytic;
        using (var scope = Ops.NewScope())
        {
            var y = Ops.Sum(lstm.Call(input, training: true));
            analytic = Ops.Gradients(y, [lstm.Weights[0].Value])[0]!.ToArray<float>().Select(v => (double)v).ToArray();
        }
        // Finite differences on the Keras-layout kernel; the stored gradient is in the runtime layout (4u, in).
        const double h = 1e-3;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 8; j++)
            {
                var plus = (float[,])w.Clone();
                plus[i, j] += (float)h;
                lstm.SetWeights([plus, u, bias]);
                double up = Loss();
                plus[i, j] -= (float)(2 * h);
                lstm.SetWeights([plus, u, bias]);
                double down = Loss();
                Assert.That(analytic[j * 2 + i], Is.EqualTo((up - down) / (2 * h)).Within(2e-3), $"kernel[{i},{j}]");
            }
    }

    [Test]
    public void GuideModelsHaveKerasParameterCounts()
    {
        // The headline "Twitter" model of the guide, as the benchmarks and the load test build it: 5,200,610 parameters.
        Assert.That(TfFunctional.Tools.Shared.GuideModels.Twitter().CountParams(), Is.EqualTo(5_200_610L));

        // The shared LSTM of the guide: 82,305 parameters.
        var tweetA = Keras.Input(shape: [280, 256]);
        var tweetB = Keras.Input(shape: [280, 256]);
        var shared = new LSTM(64);
        var merged = Keras.Layers.Concatenate([shared.Call(tweetA), shared.Call(tweetB)], axis: -1);
        var predictions = new Dense(1, activation: "sigmoid").Call(merged);
        var sharedModel = new Model([tweetA, tweetB], predictions);
        Assert.That(sharedModel.CountParams(), Is.EqualTo(82_305L));
        Assert.That(shared.GetOutputAt(1).Shape, Is.EqualTo(new Shape(null, 64)));
    }

    [Test]
    public void BadRecurrentInputsFailClearly()
    {
        var flat = Keras.Input(shape: [10]);
        var rank = Assert.Throws<ArgumentException>(() => new LSTM(4).Call(flat))!;
        Assert.That(rank.Message, Does.Contain("expected ndim=3, found ndim=2"));
        var flags = Keras.Input(shape: [10], dtype: DType.Bool);
        var embedding = Assert.Throws<ArgumentException>(() => new Embedding(100, 8).Call(flags))!;
        Assert.That(embedding.Message, Does.Contain("expects integer ids, but its input has dtype bool"));
        // Float ids are cast to int, as Keras does: real files often feed a float32 Input into an Embedding.
        Assert.That(new Embedding(100, 8).Call(Keras.Input(shape: [10])).Shape, Is.EqualTo(new Shape(null, 10, 8)));
    }
}

internal static class ArrayExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
