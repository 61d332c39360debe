namespace TfFunctional.Tests.Layers;

/// <summary>Convolutions and pooling against naive loops with Keras's padding rule written here.</summary>
public class ConvolutionTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static float[,,,] Image(int batch, int height, int width, int channels, int seed)
    {
        var flat = Reference.Matrix(batch * height * width, channels, seed);
        var x = new float[batch, height, width, channels];
        int row = 0;
        for (int b = 0; b < batch; b++) for (int h = 0; h < height; h++) for (int w = 0; w < width; w++, row++)
            for (int c = 0; c < channels; c++) x[b, h, w, c] = flat[row, c];
        return x;
    }

    /// <summary>Keras's "same": total = max((⌈n/s⌉ − 1)·s + (k − 1)·d + 1 − n, 0), the odd pad at the end.</summary>
    private static int PadBefore(int n, int k, int s, int d, bool same) =>
        same ? Math.Max(((n + s - 1) / s - 1) * s + (k - 1) * d + 1 - n, 0) / 2 : 0;

    private static double[] NaiveConv2D(float[,,,] x, float[,,,] kernel, float[] bias, int stride, int dilation, bool same)
    {
        int batch = x.GetLength(0), height = x.GetLength(1), width = x.GetLength(2), channels = x.GetLength(3);
        int kh = kernel.GetLength(0), kw = kernel.GetLength(1), filters = kernel.GetLength(3);
        int outH = same ? (height + stride - 1) / stride : (height - (kh - 1) * dilation - 1) / stride + 1;
        int outW = same ? (width + stride - 1) / stride : (width - (kw - 1) * dilation - 1) / stride + 1;
        int top = PadBefore(height, kh, stride, dilation, same), left = PadBefore(width, kw, stride, dilation, same);
        var y = new List<double>();
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < outH; i++)
                for (int j = 0; j < outW; j++)
                    for (int f = 0; f < filters; f++)
                    {
                        double sum = bias[f];
                        for (int u = 0; u < kh; u++)
                            for (int v = 0; v < kw; v++)
                            {
                                int r = i * stride + u * dilation - top, c = j * stride + v * dilation - left;
                                if (r < 0 || r >= height || c < 0 || c >= width) continue;
                                for (int ch = 0; ch < channels; ch++) sum += x[b, r, c, ch] * kernel[u, v, ch, f];
                            }
                        y.Add(sum);
                    }
        return y.ToArray();
    }

    [TestCase("valid", 1, 1)]
    [TestCase("same", 1, 1)]
    [TestCase("same", 2, 1)]
    [TestCase("valid", 2, 1)]
    [TestCase("same", 1, 2)]
    public void Conv2DMatchesANaiveLoop(string padding, int stride, int dilation)
    {
        var x = Image(2, 6, 5, 3, 1);
        var kernel = new float[3, 2, 3, 4];
        var flat = Reference.Matrix(18, 4, 2);
        for (int i = 0; i < 18; i++) for (int f = 0; f < 4; f++) kernel[i / 6, i / 3 % 2, i % 3, f] = flat[i, f];
        var bias = Reference.Vector(4, 3);
        var input = Keras.Input(shape: [6, 5, 3]);
        var conv = new Conv2D(4, kernelSize: [3, 2], strides: stride, padding: padding, dilationRate: dilation);
        var model = new Model(input, conv.Call(input));
        conv.SetWeights([kernel, bias]);
        Assert.That(conv.Weights[0].Shape, Is.EqualTo(new Shape(3, 2, 3, 4)));
        using var y = model.Predict(x);
        Assert.That(y.Shape.Slice(1..), Is.EqualTo(model.Outputs[0].Shape.Slice(1..)));
        Assert.That(y.ToArray<float>(), Is.EqualTo(NaiveConv2D(x, kernel, bias, stride, dilation, padding == "same")).Within(1e-5));
        Assert.That(conv.GetWeights()[0], Is.EqualTo(kernel));
    }

    [Test]
    public void CausalConv1DSeesOnlyThePast()
    {
        // y[t] = w0·x[t−1] + w1·x[t] with one channel: the first step sees a zero before the sequence.
        var input = Keras.Input(shape: [4, 1]);
        var conv = new Conv1D(1, kernelSize: 2, padding: "causal");
        var model = new Model(input, conv.Call(input));
        conv.SetWeights([new float[,,] { { { 10 } }, { { 1 } } }, new float[] { 0 }]);
        using var y = model.Predict(new float[,,] { { { 1 }, { 2 }, { 3 }, { 4 } } });
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 1f, 12, 23, 34 }));
    }

    [Test]
    public void PoolingFollowsKerasPadding()
    {
        // One 3×3 channel, pool 2, stride 2, "same": windows {0,1}×{0,1}, {0,1}×{2}, {2}×{0,1}, {2}×{2}.
        float[,,,] x = { { { { 1 }, { 2 }, { 3 } }, { { 4 }, { 5 }, { 6 } }, { { 7 }, { 8 }, { 9 } } } };
        var input = Keras.Input(shape: [3, 3, 1]);
        var model = new Model(input, [new MaxPooling2D(2, padding: "same").Call(input), new AveragePooling2D(2, padding: "same").Call(input),
            new MaxPooling2D(2).Call(input)]);
        var outputs = model.PredictOutputs(x);
        Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(new[] { 5f, 6, 8, 9 }));
        Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(new[] { 3f, 4.5f, 7.5f, 9 }), "the padding is not counted in the average");
        Assert.That(outputs[2].ToArray<float>(), Is.EqualTo(new[] { 5f }));
        foreach (var o in outputs) o.Dispose();
    }

    [Test]
    public void MaxPoolingPadsWithMinusInfinity()
    {
        float[,,] x = { { { -5 }, { -1 }, { -3 } } };
        var input = Keras.Input(shape: [3, 1]);
        var model = new Model(input, new MaxPooling1D(2, padding: "same").Call(input));
        using var y = model.Predict(x);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { -1f, -3 }));
    }

    [Test]
    public void GlobalPoolingAndItsMask()
    {
        var tokens = Keras.Input(shape: [4], dtype: DType.Int32);
        var embedding = new Embedding(5, 2, maskZero: true);
        var model = new Model(tokens, [new GlobalAveragePooling1D().Call(embedding.Call(tokens)), new GlobalMaxPooling1D().Call(embedding.Call(tokens))]);
        embedding.SetWeights([new float[,] { { 100, 100 }, { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } }]);
        var outputs = model.PredictOutputs(new int[,] { { 1, 3, 0, 0 } });
        Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(new[] { 3f, 4 }), "the mean skips padded steps");
        Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(new[] { 100f, 100 }), "max pooling ignores masks, as Keras");
        foreach (var o in outputs) o.Dispose();
    }

    [Test]
    public void ResizingPaddingAndCropping()
    {
        float[,,,] x = { { { { 1 }, { 2 } }, { { 3 }, { 4 } } } };
        var input = Keras.Input(shape: [2, 2, 1]);
        var model = new Model(input, [new UpSampling2D(2).Call(input), new ZeroPadding2D([[1, 0], [0, 1]]).Call(input),
            new Cropping2D([[1, 0], [0, 1]]).Call(input)]);
        Assert.That(model.Outputs.Select(o => o.Shape.ToString()), Is.EqualTo(new[] { "(None, 4, 4, 1)", "(None, 3, 3, 1)", "(None, 1, 1, 1)" }));
        var outputs = model.PredictOutputs(x);
        Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(new[] { 1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }));
        Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(new[] { 0f, 0, 0, 1, 2, 0, 3, 4, 0 }));
        Assert.That(outputs[2].ToArray<float>(), Is.EqualTo(new[] { 3f }));
        foreach (var o in outputs) o.Dispose();
    }

    [Test]
    public void ConvolutionErrorsNameTheShapes()
    {
        var flat = Keras.Input(shape: [28, 28]);
        var rank = Assert.Throws<ArgumentException>(() => new Conv2D(8, 3).Call(flat))!;
        Assert.That(rank.Message, Does.Contain("expected ndim=4, found ndim=3"));
        var small = Keras.Input(shape: [2, 2, 3]);
        var size = Assert.Throws<ArgumentException>(() => new Conv2D(16, 3).Call(small))!;
        Assert.That(size.Message, Does.Contain("Computed output size would be negative").And.Contain("(None, 2, 2, 3)"));
        Assert.That(new Conv2D(16, 3, padding: "same").Call(small).Shape, Is.EqualTo(new Shape(null, 2, 2, 16)));
    }

    [Test]
    public void Conv2DGradientMatchesFiniteDifferences()
    {
        var x = Image(1, 4, 4, 2, 7);
        var conv = new Conv2D(2, 3, padding: "same", strides: 2);
        conv.Build(null, 4, 4, 2);
        var start = (float[,,,])conv.GetWeights()[0];
        var bias = (float[])conv.GetWeights()[1];
        using var input = Tensor.From(x);
        double Loss(float[,,,] kernel)
        {
            conv.SetWeights([kernel, bias]);
            using var y = conv.Call(input);
            return y.ToArray<float>().Sum(v => (double)v * v);
        }
        conv.SetWeights([start, bias]);
        float[] analytic;
        using (var scope = Ops.NewScope())
        {
            var y = conv.Call(input, training: true);
            var loss = Ops.Sum(Ops.Square(y));
            // Stored (out, in, kh, kw): bring the gradient to Keras layout (kh, kw, in, out).
            analytic = Ops.Transpose(Ops.Gradients(loss, [conv.Weights[0].Value])[0]!, 2, 3, 1, 0).ToArray<float>();
        }
        const double h = 1e-2;
        int index = 0;
        foreach (var (u, v, c, f) in new[] { (0, 0, 0, 0), (1, 2, 1, 1), (2, 1, 0, 1) })
        {
            var plus = (float[,,,])start.Clone();
            plus[u, v, c, f] += (float)h;
            var minus = (float[,,,])start.Clone();
            minus[u, v, c, f] -= (float)h;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            int flatIndex = ((u * 3 + v) * 2 + c) * 2 + f;
            Assert.That(analytic[flatIndex], Is.EqualTo(numeric).Within(1e-2 + 1e-2 * Math.Abs(numeric)), $"kernel[{u},{v},{c},{f}] #{index++}");
        }
    }
}
