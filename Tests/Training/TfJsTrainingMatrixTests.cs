using System.Text.Json.Nodes;
using TfFunctional.Optimizers;
using TfFunctional.Saving;

namespace TfFunctional.Tests.Training;

/// <summary>
/// Issue 16's reference net: every case of Tests/References/tfjs/training (written by TF.js Layers 4.22 through
/// tools/references/tfjs/training.js) trained here for three steps on the same batch, once through
/// <c>TrainOnBatch</c> and once through <c>Fit</c> (three epochs of one batch, no shuffling); the loss of each step and
/// every weight after it must match TF.js within 1e-5 + 1e-4·|expected|.
/// </summary>
public class TfJsTrainingMatrixTests
{
    private static string Root => Fixtures.Reference(Path.Combine("tfjs", "training"));

    /// <summary>Every case folder, by name (layer__optimizer, loss_..., two_outputs_..., clipnorm__..., ...).</summary>
    public static IEnumerable<string> Cases() =>
        Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    private sealed record Case(Model Model, Tensor[] X, Tensor[] Y, JsonNode Expected, float[]? SampleWeight,
        Dictionary<int, double>? ClassWeight) : IDisposable
    {
        public JsonArray Steps => Expected["steps"]!.AsArray();

        public void Dispose()
        {
            foreach (var t in X.Concat(Y)) t.Dispose();
        }
    }

    private static Case Load(string name)
    {
        string folder = Path.Combine(Root, name);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "expected.json")))!;
        var model = Keras.LoadModel(Path.Combine(folder, "model.json"));
        static long[] Shape(JsonNode node) => node["shape"]!.AsArray().Select(d => (long)d!.GetValue<int>()).ToArray();
        static float[] Values(JsonNode node) => node["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var x = expected["inputs"]!.AsArray().Select((node, i) => model.Inputs[i].DType == DType.Int32
            ? Tensor.From(Values(node!).Select(v => (int)v).ToArray(), Shape(node!))
            : Tensor.From(Values(node!), Shape(node!))).ToArray();
        var y = expected["targets"]!.AsArray().Select(node => Tensor.From(Values(node!), Shape(node!))).ToArray();

        var optimizer = KerasRegistry.Deserialize<Optimizer>(expected["optimizer"]!.DeepClone(), new LayerConfig([], name), "optimizer");
        var losses = expected["loss"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
        double[]? lossWeights = expected["lossWeights"] is JsonArray weights ? weights.Select(w => w!.GetValue<double>()).ToArray() : null;
        model.Compile(optimizer, losses, lossWeights);
        var sampleWeight = expected["sampleWeight"] is JsonArray sample ? sample.Select(w => w!.GetValue<float>()).ToArray() : null;
        var classWeight = expected["classWeight"] is JsonObject classes
            ? classes.ToDictionary(p => int.Parse(p.Key), p => p.Value!.GetValue<double>()) : null;
        return new Case(model, x, y, expected, sampleWeight, classWeight);
    }

    private static void AssertLoss(double actual, JsonNode step, string what)
    {
        double expected = step["loss"]!.GetValue<double>();
        Assert.That(actual, Is.EqualTo(expected).Within(1e-5 + 1e-4 * Math.Abs(expected)), what);
    }

    /// <summary>
    /// Every weight TF.js wrote after a step against ours: by path where the names agree, otherwise the next of ours
    /// whose last part (kernel, bias, gamma, ...) agrees. TF.js names a wrapped or nested layer's weights by the
    /// wrapper or the inner layer where Keras 3 paths name both, and lists trainable weights before frozen ones.
    /// </summary>
    private static void AssertWeights(Model model, JsonNode step, string what)
    {
        var mismatches = Mismatches(model, step);
        Assert.That(mismatches, Is.Empty, $"{what}: weights off TF.js by more than 1e-5 + 1e-4·|expected|");
    }

    /// <summary>Each weight whose values differ from TF.js's beyond the tolerance, with its worst element.</summary>
    private static List<string> Mismatches(Model model, JsonNode step)
    {
        var ours = model.Weights.Select(w => w.Path).Zip(model.GetWeights(), (path, value) => (Path: path, Value: value.Cast<float>().ToArray())).ToList();
        var expected = step["weights"]!.AsArray();
        if (ours.Count != expected.Count) return [$"{ours.Count} weights here, {expected.Count} in TF.js"];
        var mismatches = new List<string>();
        var unmatched = new List<(string Path, float[] Value)>(ours);
        foreach (var weight in expected)
        {
            string name = weight!["name"]!.GetValue<string>();
            int index = unmatched.FindIndex(w => w.Path == name);
            if (index < 0) index = unmatched.FindIndex(w => LastPart(w.Path) == LastPart(name));
            if (index < 0)
            {
                mismatches.Add($"TF.js's {name} has no counterpart among [{string.Join(", ", unmatched.Select(w => w.Path))}]");
                continue;
            }
            var actual = unmatched[index].Value;
            var values = weight["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            unmatched.RemoveAt(index);
            if (actual.Length != values.Length)
            {
                mismatches.Add($"{name}: {actual.Length} values here, {values.Length} in TF.js");
                continue;
            }
            int worst = Enumerable.Range(0, values.Length).MaxBy(i => Math.Abs(actual[i] - values[i]) / (1e-5 + 1e-4 * Math.Abs(values[i])));
            if (Math.Abs(actual[worst] - values[worst]) > 1e-5 + 1e-4 * Math.Abs(values[worst]))
                mismatches.Add($"{name}[{worst}]: {actual[worst]} here, {values[worst]} in TF.js");
        }
        return mismatches;
    }

    /// <summary>A weight's own name; Keras 2 and TF.js call a depthwise kernel <c>depthwise_kernel</c>, Keras 3 <c>kernel</c>.</summary>
    private static string LastPart(string path) => path.Split('/')[^1] switch { "depthwise_kernel" => "kernel", var last => last };

    [TestCaseSource(nameof(Cases))]
    public void ThroughTrainOnBatch(string name)
    {
        using var c = Load(name);
        for (int step = 0; step < c.Steps.Count; step++)
        {
            double loss = c.Model.TrainOnBatch(c.X, c.Y, c.SampleWeight, c.ClassWeight)["loss"];
            AssertLoss(loss, c.Steps[step]!, $"step {step + 1}: loss");
            AssertWeights(c.Model, c.Steps[step]!, $"after step {step + 1}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void ThroughFit(string name)
    {
        using var c = Load(name);
        var history = c.Model.Fit(c.X, c.Y, batchSize: (int)c.X[0].Shape[0]!.Value, epochs: c.Steps.Count, verbose: 0, shuffle: false,
            classWeight: c.ClassWeight, sampleWeight: c.SampleWeight);
        for (int step = 0; step < c.Steps.Count; step++)
            AssertLoss(history["loss"][step], c.Steps[step]!, $"epoch {step + 1}: loss");
        AssertWeights(c.Model, c.Steps[^1]!, $"after {c.Steps.Count} epochs");
    }

    /// <summary>The net can fail: one initial weight moved by 1e-3 shows in the weights after a step.</summary>
    [TestCase("dense__adam")]
    [TestCase("batch_normalization__sgd")]
    [TestCase("masked_lstm__rmsprop")]
    public void APerturbedInitialWeightIsCaught(string name)
    {
        using var c = Load(name);
        Assert.That(Mismatches(c.Model, c.Steps[0]!), Is.Not.Empty, "before any step the weights are the initial ones, not TF.js's after a step");
        var weights = c.Model.GetWeights().ToArray();
        var first = weights[0].Cast<float>().ToArray();
        first[0] += 1e-3f;
        weights[0] = ReshapeLike(first, weights[0]);
        c.Model.SetWeights(weights);
        c.Model.TrainOnBatch(c.X, c.Y, c.SampleWeight, c.ClassWeight);
        Assert.That(Mismatches(c.Model, c.Steps[0]!), Is.Not.Empty);
    }

    private static Array ReshapeLike(float[] values, Array like)
    {
        var shaped = Array.CreateInstance(typeof(float), Enumerable.Range(0, like.Rank).Select(like.GetLength).ToArray());
        Buffer.BlockCopy(values, 0, shaped, 0, values.Length * sizeof(float));
        return shaped;
    }
}
