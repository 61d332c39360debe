namespace TfFunctional.Tests.Layers;

public class AttentionAndSeparableTests
{
    [SetUp]
    public void ClearNames() => Keras.ClearSession();

    private static double[] Softmax(double[] v)
    {
        double max = v.Max();
        var e = v.Select(x => Math.Exp(x - max)).ToArray();
        return e.Select(x => x / e.Sum()).ToArray();
    }

    [Test]
    public void DotAttentionWeighsValuesBySoftmaxOfScores()
    {
        float[,,] q = { { { 1, 0 }, { 0, 1 } } };
        float[,,] v = { { { 1, 2 }, { 3, 4 }, { 5, 6 } } };
        var query = Keras.Input(shape: [2, 2]);
        var value = Keras.Input(shape: [3, 2]);
        var model = new Model([query, value], new Attention().Call([query, value]));
        using var y = model.Predict([q, v]);
        var expected = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            var w = Softmax(Enumerable.Range(0, 3).Select(j => (double)(q[0, i, 0] * v[0, j, 0] + q[0, i, 1] * v[0, j, 1])).ToArray());
            expected.Add(Enumerable.Range(0, 3).Sum(j => w[j] * v[0, j, 0]));
            expected.Add(Enumerable.Range(0, 3).Sum(j => w[j] * v[0, j, 1]));
        }
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void AdditiveAttentionUsesTanhScores()
    {
        float[,,] q = { { { 0.5f, -1 } } };
        float[,,] v = { { { 1, 2 }, { -1, 0.5f } } };
        var query = Keras.Input(shape: [1, 2]);
        var value = Keras.Input(shape: [2, 2]);
        var layer = new AdditiveAttention();
        var model = new Model([query, value], layer.Call([query, value]));
        layer.SetWeights([new float[] { 2, -1 }]);
        using var y = model.Predict([q, v]);
        var scores = Enumerable.Range(0, 2).Select(j => 2 * Math.Tanh(q[0, 0, 0] + v[0, j, 0]) - Math.Tanh(q[0, 0, 1] + v[0, j, 1])).ToArray();
        var w = Softmax(scores);
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { w[0] * 1 + w[1] * -1, w[0] * 2 + w[1] * 0.5 }).Within(1e-5));
    }

    [Test]
    public void MultiHeadAttentionHasKerasWeightsAndMatchesItsEquations()
    {
        var query = Keras.Input(shape: [3, 4]);
        var value = Keras.Input(shape: [2, 4]);
        var mha = new MultiHeadAttention(numHeads: 2, keyDim: 3);
        var output = mha.Call([query, value]);
        Assert.That(output.Shape, Is.EqualTo(new Shape(null, 3, 4)));
        var model = new Model([query, value], output);
        // query/key/value kernels (4, 2, 3) + biases (2, 3); output kernel (2, 3, 4) + bias (4).
        Assert.That(model.CountParams(), Is.EqualTo(3 * (24 + 6) + 24 + 4));
        Assert.That(mha.Weights.Select(w => w.Path).First(), Is.EqualTo("multi_head_attention/query/kernel"));

        var q = new float[1, 3, 4];
        var v = new float[1, 2, 4];
        for (int i = 0; i < 12; i++) q[0, i / 4, i % 4] = (i % 5 - 2) * 0.3f;
        for (int i = 0; i < 8; i++) v[0, i / 4, i % 4] = (i % 3 - 1) * 0.5f;
        var w = mha.GetWeights();
        float[,,] wq = (float[,,])w[0], wk = (float[,,])w[2], wv = (float[,,])w[4], wo = (float[,,])w[6];
        float[,] bq = (float[,])w[1], bk = (float[,])w[3], bv = (float[,])w[5];
        float[] bo = (float[])w[7];
        double Proj(float[,,] x, int t, float[,,] kernel, float[,] bias, int head, int d) =>
            bias[head, d] + Enumerable.Range(0, 4).Sum(c => x[0, t, c] * kernel[c, head, d]);
        var expected = new double[3 * 4];
        for (int t = 0; t < 3; t++)
            for (int head = 0; head < 2; head++)
            {
                var scores = Enumerable.Range(0, 2).Select(s =>
                    Enumerable.Range(0, 3).Sum(d => Proj(q, t, wq, bq, head, d) / Math.Sqrt(3) * Proj(v, s, wk, bk, head, d))).ToArray();
                var weights = Softmax(scores);
                for (int d = 0; d < 3; d++)
                {
                    double attended = Enumerable.Range(0, 2).Sum(s => weights[s] * Proj(v, s, wv, bv, head, d));
                    for (int o = 0; o < 4; o++) expected[t * 4 + o] += attended * wo[head, d, o];
                }
            }
        for (int i = 0; i < 12; i++) expected[i] += bo[i % 4];
        using var y = model.Predict([q, v]);
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void MultiHeadAttentionRunsOverSeveralAxesAsKerasDoes()
    {
        // (batch, 2, 3, 4): by default attention runs over both middle axes, one softmax across all six positions, so it
        // equals attention over the same values laid out as a sequence of six.
        var x = new float[1, 2, 3, 4];
        for (int i = 0; i < 24; i++) x[0, i / 12, i / 4 % 3, i % 4] = (float)Math.Sin(i * 0.7);
        var grid = Keras.Input(shape: [2, 3, 4]);
        var both = new MultiHeadAttention(2, 3);
        var bothOutputs = both.CallOutputs(grid, grid, returnAttentionScores: true);
        Assert.That(bothOutputs[1].Shape, Is.EqualTo(new Shape(null, 2, 2, 3, 2, 3)), "batch, heads, query axes, value axes");
        var sequence = Keras.Input(shape: [6, 4]);
        var flat = new MultiHeadAttention(2, 3);
        var flatModel = new Model(sequence, flat.Call(sequence, sequence));
        flat.SetWeights(both.GetWeights());
        using (var expected = flatModel.Predict(Reshaped(x, 1, 6, 4)))
        using (var actual = new Model(grid, bothOutputs[0]).Predict(x))
            Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()).Within(1e-6));

        // attention_axes=[2]: axis 1 acts as a batch axis, each of its slices attends over axis 2 alone.
        var rows = new MultiHeadAttention(2, 3, attentionAxes: [2]);
        var rowOutputs = rows.CallOutputs(grid, grid, returnAttentionScores: true);
        Assert.That(rowOutputs[1].Shape, Is.EqualTo(new Shape(null, 2, 2, 3, 3)), "batch, axis 1, heads, query axis 2, value axis 2");
        var row = Keras.Input(shape: [3, 4]);
        var single = new MultiHeadAttention(2, 3);
        var rowModel = new Model(row, single.Call(row, row));
        single.SetWeights(rows.GetWeights());
        using var all = new Model(grid, rowOutputs[0]).Predict(x);
        var values = all.ToArray<float>();
        for (int t = 0; t < 2; t++)
        {
            var slice = new float[1, 3, 4];
            for (int h = 0; h < 3; h++) for (int f = 0; f < 4; f++) slice[0, h, f] = x[0, t, h, f];
            using var expected = rowModel.Predict(slice);
            Assert.That(values[(t * 12)..(t * 12 + 12)], Is.EqualTo(expected.ToArray<float>()).Within(1e-6), $"slice {t}");
        }
        Assert.That(rows.GetConfig().GetNode("attention_axes")!.ToJsonString(), Is.EqualTo("[2]"));

        var causal = new MultiHeadAttention(2, 3, useCausalMask: true);
        var error = Assert.Throws<ArgumentException>(() => causal.Call(grid, grid))!;
        Assert.That(error.Message, Is.EqualTo($"Layer \"{causal.Name}\" (node 0): use_causal_mask needs inputs of rank 3 (batch, time, features). Received: (None, 2, 3, 4)"));
    }

    private static float[,,] Reshaped(float[,,,] x, int a, int b, int c)
    {
        var flat = x.Cast<float>().ToArray();
        var result = new float[a, b, c];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    [Test]
    public void AttentionCallArgumentsAreKerasCallArguments()
    {
        var query = Keras.Input(shape: [3, 4]);
        var value = Keras.Input(shape: [5, 4]);
        var mha = new MultiHeadAttention(2, 3);
        var outputs = mha.CallOutputs(query, value, returnAttentionScores: true, useCausalMask: true);
        Assert.That(outputs.Select(o => o.Shape), Is.EqualTo(new[] { new Shape(null, 3, 4), new Shape(null, 2, 3, 5) }));
        var first = outputs[0].Node;
        Assert.That(first.Arguments, Is.EqualTo(new Dictionary<string, object> { ["return_attention_scores"] = true, ["use_causal_mask"] = true }));
        // As in Keras, each call of one layer has its own arguments, and the layer's defaults are untouched.
        var second = mha.CallOutputs(query, value, returnAttentionScores: false);
        Assert.That(second, Has.Count.EqualTo(1));
        Assert.That(second[0].Node.Arguments, Is.EqualTo(new Dictionary<string, object> { ["return_attention_scores"] = false, ["use_causal_mask"] = false }));
        Assert.That((mha.ReturnAttentionScores, mha.UseCausalMask), Is.EqualTo((false, false)));
        var error = Assert.Throws<ArgumentException>(() => mha.CallOutputs(Keras.Input(shape: [2, 3, 4]), Keras.Input(shape: [2, 3, 4]), useCausalMask: true))!;
        Assert.That(error.Message, Does.Contain("use_causal_mask needs inputs of rank 3"));

        var attention = new Attention();
        var attended = attention.CallOutputs([query, value], returnAttentionScores: true);
        Assert.That(attended.Select(o => o.Shape), Is.EqualTo(new[] { new Shape(null, 3, 4), new Shape(null, 3, 5) }));
        var causal = new Attention().Call([query, query], useCausalMask: true);
        Assert.That(causal.Shape, Is.EqualTo(new Shape(null, 3, 4)));
        Assert.That(causal.Node.Arguments["use_causal_mask"], Is.EqualTo(true));
        Assert.That(((Attention)causal.Layer).UseCausalMask, Is.False, "a call argument, not the layer's");
    }

    [Test]
    public void DepthwiseAndSeparableConvolutions()
    {
        // Two channels, depth multiplier 2, 2×2 kernel on a 2×2 image: one output pixel per channel pair.
        float[,,,] x = { { { { 1, 10 }, { 2, 20 } }, { { 3, 30 }, { 4, 40 } } } };
        var input = Keras.Input(shape: [2, 2, 2]);
        var depthwise = new DepthwiseConv2D(2, depthMultiplier: 2, useBias: false);
        var separable = new SeparableConv2D(1, 2, depthMultiplier: 2, useBias: false);
        var model = new Model(input, [depthwise.Call(input), separable.Call(input)]);
        var kernel = new float[2, 2, 2, 2];
        for (int u = 0; u < 2; u++) for (int v = 0; v < 2; v++) for (int c = 0; c < 2; c++) for (int m = 0; m < 2; m++)
            kernel[u, v, c, m] = (u * 2 + v + 1) * (m == 0 ? 1 : -1) * (c + 1);
        depthwise.SetWeights([kernel]);
        separable.SetWeights([kernel, new float[,,,] { { { { 1 }, { 0.5f }, { -1 }, { 2 } } } }]);
        var outputs = model.PredictOutputs(x);
        // Output channel c·2 + m = Σ_uv x[u,v,c]·kernel[u,v,c,m].
        double Channel(int c, int m) => Enumerable.Range(0, 4).Sum(i => x[0, i / 2, i % 2, c] * kernel[i / 2, i % 2, c, m]);
        var expected = new[] { Channel(0, 0), Channel(0, 1), Channel(1, 0), Channel(1, 1) };
        Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(expected).Within(1e-4));
        Assert.That(outputs[1].ToArray<float>(), Is.EqualTo(new[] { expected[0] + 0.5 * expected[1] - expected[2] + 2 * expected[3] }).Within(1e-3));
        foreach (var o in outputs) o.Dispose();
    }
}
