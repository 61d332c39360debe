using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TfFunctional.Export.Onnx;
using TfFunctional.Tests.Layers;

namespace TfFunctional.Tests.Export;

/// <summary>Every row of the layer test table, exported to ONNX and run in ONNX Runtime, gives our Predict's numbers (or is refused by name).</summary>
public class OnnxExportTests
{
    /// <summary>Rows the export refuses today, each naming its layer (the attention layers have no converter yet).</summary>
    private static readonly HashSet<string> Refused = [];

    private static IEnumerable<TestCaseData> Rows() =>
        LayerCatalogue.Cases.Select(row => new TestCaseData(row).SetName("Onnx_" + row.Name));

    /// <summary>The tolerance of issue 15: 1e-5 + 1e-4·|expected|.</summary>
    internal static void AssertClose(float[] actual, float[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
            if (!Near(actual[i], expected[i]))
                Assert.Fail($"{what}: value {i} is {actual[i]}, expected {expected[i]}");
    }

    /// <summary>True when every value is within the tolerance.</summary>
    internal static bool Close(float[] actual, float[] expected) =>
        actual.Length == expected.Length && expected.Select((e, i) => Near(actual[i], e)).All(near => near);

    private static bool Near(float actual, float expected) => Math.Abs(actual - expected) <= 1e-5 + 1e-4 * Math.Abs(expected);

    /// <summary>Runs <paramref name="session"/> on <paramref name="inputs"/> (named as the model's inputs) and returns every output's values.</summary>
    internal static float[][] Run(InferenceSession session, Model model, IReadOnlyList<Tensor> inputs)
    {
        var feeds = inputs.Select((t, i) => t.DType == DType.Int32
            ? NamedOnnxValue.CreateFromTensor(model.InputNames[i], new DenseTensor<int>(t.ToArray<int>(), t.Shape.Select(d => d!.Value).ToArray()))
            : NamedOnnxValue.CreateFromTensor(model.InputNames[i], new DenseTensor<float>(t.ToArray<float>(), t.Shape.Select(d => d!.Value).ToArray()))).ToList();
        using var results = session.Run(feeds);
        return results.Select(r => r.AsTensor<float>().ToArray()).ToArray();
    }

    [TestCaseSource(nameof(Rows))]
    public void MatchesPredictInOnnxRuntime(LayerTestCase row)
    {
        Keras.ClearSession();
        using var model = LayerTest.BuildModel(row, out var layer);
        byte[] onnx;
        try
        {
            onnx = OnnxExport.ToBytes(model);
        }
        catch (NotSupportedException e) when (Refused.Contains(row.Name))
        {
            Assert.That(e.Message, Does.Contain($"\"{layer.Name}\"").And.Contain(layer.ClassName), "a refusal names the layer");
            return;
        }
        Assert.That(Refused, Does.Not.Contain(row.Name), "a row listed as refused now exports: take it off the list");
        using var session = new InferenceSession(onnx);
        Assert.That(session.InputMetadata.Keys, Is.EqualTo(model.InputNames), "inputs named as the model's");
        Assert.That(session.OutputMetadata.Keys, Is.EqualTo(model.OutputNames), "outputs named as the model's");
        foreach (int batch in new[] { 1, 2, 5 })
        {
            var data = row.InputShapes.Select(s => LayerTest.Data(s, row.DType, batch)).ToArray();
            try
            {
                using var expected = model.Predict(data);
                AssertClose(Run(session, model, data)[0], expected.ToArray<float>(), $"batch {batch}");
            }
            finally
            {
                foreach (var tensor in data) tensor.Dispose();
            }
        }
    }
}

/// <summary>Real models exported: the real-world files of keras-wild, and a perturbed weight that the comparison must catch.</summary>
public class OnnxModelExportTests
{
    /// <summary>
    /// The files the export refuses, by the layer it names: an LSTM/GRU behind an Embedding's mask_zero. ONNX's recurrent
    /// operators skip only trailing padding (sequence_lens), and Keras skips masked steps anywhere (pad_sequences pads
    /// in front by default), so a masked recurrence is refused rather than exported wrong.
    /// </summary>
    private static readonly Dictionary<string, string> Refused = new();

    private static IEnumerable<TestCaseData> WildFiles() =>
        Directory.GetFiles(Fixtures.Wild("")).Where(f => f.EndsWith(".keras") || f.EndsWith(".h5")).Order()
            .Select(f => new TestCaseData(f).SetName("OnnxWild_" + Path.GetFileName(f)));

    /// <summary>Inputs for every model input: unknown sizes 8, ids in [0, 7) for integer inputs, smooth values otherwise.</summary>
    private static Tensor[] Inputs(Model model, int batch) => model.Inputs.Select(i =>
    {
        var shape = i.Shape.Select((d, axis) => axis == 0 ? batch : d ?? 8L).ToArray();
        int size = (int)shape.Aggregate(1L, (p, d) => p * d);
        var ids = Enumerable.Range(0, size).Select(k => k * 3 % 7).ToArray();   // zeros among them: masks with gaps
        if (i.DType is DType.Int32 or DType.Int64) return Tensor.From(ids, shape);
        // A float input that feeds an Embedding (a Sequential's default dtype) takes ids too.
        bool feedsEmbedding = model.Layers.OfType<Embedding>().Any(e => e.InboundNodes.Any(n => n.InputTensors.Contains(i)));
        return feedsEmbedding
            ? Tensor.From(ids.Select(v => (float)v).ToArray(), shape)
            : Tensor.From(Enumerable.Range(0, size).Select(k => (float)Math.Sin(k * 0.37)).ToArray(), shape);
    }).ToArray();

    [TestCaseSource(nameof(WildFiles))]
    public void WildFileExportsAndMatches(string path)
    {
        using var model = Keras.LoadModel(path);
        byte[] onnx;
        try
        {
            onnx = OnnxExport.ToBytes(model);
        }
        catch (NotSupportedException e) when (Refused.TryGetValue(Path.GetFileName(path), out string? layer))
        {
            Assert.That(e.Message, Does.StartWith($"Layer \"{layer}\""), "the refusal names the layer");
            return;
        }
        Assert.That(Refused, Does.Not.ContainKey(Path.GetFileName(path)), "a file listed as refused now exports: take it off the list");
        using var session = new InferenceSession(onnx);
        foreach (int batch in new[] { 1, 3 })
        {
            var inputs = Inputs(model, batch);
            var expected = model.PredictOutputs(inputs);
            try
            {
                var actual = OnnxExportTests.Run(session, model, inputs);
                for (int i = 0; i < expected.Count; i++)
                    OnnxExportTests.AssertClose(actual[i], expected[i].ToArray<float>(), $"{Path.GetFileName(path)} output {i}, batch {batch}");
            }
            finally
            {
                foreach (var t in expected.Concat(inputs)) t.Dispose();
            }
        }
    }

    /// <summary>Layers with two outputs: Bidirectional without a merge, attention returning its scores (every output compared).</summary>
    [Test]
    public void TwoOutputLayersExportEveryOutput()
    {
        Keras.ClearSession();
        var sequence = Keras.Input(shape: [5, 3], name: "sequence");
        var both = new Bidirectional(new GRU(2, returnSequences: true), mergeMode: null).CallOutputs(sequence);
        var query = Keras.Input(shape: [4, 3], name: "query");
        var attention = new Attention(useScale: true).CallOutputs([query, sequence], returnAttentionScores: true, useCausalMask: false);
        var heads = new MultiHeadAttention(2, 3).CallOutputs(query, sequence, returnAttentionScores: true);
        using var model = new Model([sequence, query], [both[0], both[1], attention[0], attention[1], heads[0], heads[1]]);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        var data = new[] { LayerTest.Data([5, 3], DType.Float32, 3), LayerTest.Data([4, 3], DType.Float32, 3) };
        var expected = model.PredictOutputs(data);
        try
        {
            var actual = OnnxExportTests.Run(session, model, data);
            Assert.That(actual, Has.Length.EqualTo(6));
            for (int i = 0; i < 6; i++) OnnxExportTests.AssertClose(actual[i], expected[i].ToArray<float>(), $"output {i} ({model.OutputNames[i]})");
        }
        finally
        {
            foreach (var t in expected.Concat(data)) t.Dispose();
        }
    }

    /// <summary>The comparison can fail: a model changed after its export no longer matches it.</summary>
    [Test]
    public void APerturbedWeightFailsTheComparison()
    {
        var row = LayerCatalogue.Cases.Single(r => r.Name == "LSTM");
        Keras.ClearSession();
        using var model = LayerTest.BuildModel(row, out _);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        var weights = model.GetWeights().Select(w => (Array)w.Clone()).ToArray();
        var kernel = (float[,])weights[0];
        kernel[0, 0] += 0.01f;
        model.SetWeights(weights);
        using var data = LayerTest.Data(row.InputShapes[0], row.DType);
        using var changed = model.Predict(data);
        var exported = OnnxExportTests.Run(session, model, [data])[0];
        Assert.That(OnnxExportTests.Close(exported, changed.ToArray<float>()), Is.False, "a 0.01 change in one kernel value shows");
    }
}
