namespace TfFunctional.Tests.Layers;

/// <summary>Each layer's input gradient from autograd agrees with central finite differences on a small case.</summary>
public class GradientCheckTests
{
    private static IEnumerable<TestCaseData> Layers()
    {
        (string Name, long[] Shape, Func<Layer> Make)[] cases =
        [
            ("Dense", [2, 4], () => new Dense(3, activation: "tanh")),
            ("Conv1D", [1, 6, 2], () => new Conv1D(2, 3, padding: "same")),
            ("Conv2D", [1, 5, 5, 2], () => new Conv2D(2, 3, strides: 2, padding: "same")),
            ("Conv3D", [1, 3, 3, 3, 1], () => new Conv3D(2, 2)),
            ("Conv2DTranspose", [1, 3, 3, 2], () => new Conv2DTranspose(2, 3, strides: 2, padding: "same")),
            ("SeparableConv2D", [1, 4, 4, 2], () => new SeparableConv2D(2, 3)),
            ("DepthwiseConv2D", [1, 4, 4, 2], () => new DepthwiseConv2D(3)),
            ("AveragePooling2D", [1, 5, 5, 1], () => new AveragePooling2D(2, padding: "same")),
            ("MaxPooling1D", [1, 6, 2], () => new MaxPooling1D(2)),
            ("GlobalAveragePooling1D", [1, 4, 3], () => new GlobalAveragePooling1D()),
            ("UpSampling2D", [1, 2, 2, 1], () => new UpSampling2D(2, interpolation: "bilinear")),
            ("BatchNormalization", [4, 3], () => new BatchNormalization()),
            ("LayerNormalization", [2, 4], () => new LayerNormalization()),
            ("SimpleRNN", [1, 4, 2], () => new SimpleRNN(3)),
            ("LSTM", [1, 4, 2], () => new LSTM(3, returnSequences: true)),
            ("GRU", [1, 4, 2], () => new GRU(3)),
            ("GRU reset_after=False", [1, 4, 2], () => new GRU(3, resetAfter: false)),
            ("Bidirectional", [1, 4, 2], () => new Bidirectional(new LSTM(2))),
            ("TimeDistributed", [1, 3, 2], () => new TimeDistributed(new Dense(2, activation: "sigmoid"))),
            ("PReLU", [2, 3], () => new PReLU(alphaInitializer: new Initializers.Constant(0.3))),
            ("ELU", [2, 3], () => new ELU()),
            ("Softmax", [2, 3], () => new Softmax()),
            ("MultiHeadAttention", [1, 3, 4], () => new MultiHeadAttention(2, 2)),
            ("MultiHeadAttention_axes", [1, 2, 3, 2], () => new MultiHeadAttention(2, 2, attentionAxes: [2])),
        ];
        return cases.Select(c => new TestCaseData(c.Shape, c.Make).SetName("Gradient_" + c.Name));
    }

    [TestCaseSource(nameof(Layers))]
    public void InputGradientMatchesFiniteDifferences(long[] shape, Func<Layer> make)
    {
        Keras.ClearSession();
        var layer = make();
        int size = (int)shape.Aggregate(1L, (p, d) => p * d);
        var values = Enumerable.Range(0, size).Select(i => (float)(Math.Sin(1.7 * i + 0.3) * 0.8)).ToArray();
        // The loss Σ wᵢ·yᵢ with fixed weights w, so that no symmetry hides a wrong gradient.
        double Loss(float[] input)
        {
            using var x = Tensor.From(input, shape);
            using var y = layer is MultiHeadAttention ? layer.Call([x, x], training: true) : layer.Call(x, training: true);
            return y.ToArray<float>().Select((v, i) => v * Math.Cos(0.37 * i)).Sum();
        }
        Loss(values);   // builds the layer
        float[] analytic;
        using (var scope = Ops.NewScope())
        {
            var x = Ops.RequiresGrad(Tensor.From(values, shape));
            var y = layer is MultiHeadAttention ? layer.Call([x, x], training: true) : layer.Call(x, training: true);
            var weights = Tensor.From(Enumerable.Range(0, (int)y.Shape.Size!.Value).Select(i => (float)Math.Cos(0.37 * i)).ToArray(),
                y.Shape.Select(d => (long)d!.Value).ToArray());
            analytic = Ops.Gradients(Ops.Sum(Ops.Multiply(y, weights)), [x])[0]!.ToArray<float>();
        }
        const float h = 1e-2f;
        foreach (int i in Enumerable.Range(0, size).Where(i => i % Math.Max(1, size / 6) == 0))
        {
            var plus = (float[])values.Clone();
            var minus = (float[])values.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            Assert.That(analytic[i], Is.EqualTo(numeric).Within(2e-3 + 2e-2 * Math.Abs(numeric)), $"d loss / d x[{i}]");
        }
    }

    [Test]
    public void StatefulRecurrentLayersCarryStatesAcrossBatches()
    {
        Keras.ClearSession();
        var lstm = new LSTM(3, stateful: true);
        using var first = Tensor.From(Enumerable.Range(0, 8).Select(i => (float)Math.Sin(i)).ToArray(), 1, 4, 2);
        using var second = Tensor.From(Enumerable.Range(8, 8).Select(i => (float)Math.Sin(i)).ToArray(), 1, 4, 2);
        using var whole = Tensor.From(Enumerable.Range(0, 16).Select(i => (float)Math.Sin(i)).ToArray(), 1, 8, 2);
        using var a = lstm.Call(first);
        using var b = lstm.Call(second);
        lstm.ResetStates();
        using var c = lstm.Call(whole);
        Assert.That(b.ToArray<float>(), Is.EqualTo(c.ToArray<float>()).Within(1e-6), "two halves with carried states = the whole sequence");
        lstm.ResetStates();
        using var again = lstm.Call(first);
        Assert.That(again.ToArray<float>(), Is.EqualTo(a.ToArray<float>()).Within(1e-7), "ResetStates starts from zeros");
    }
}
