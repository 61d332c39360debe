using Microsoft.ML.OnnxRuntime;
using TfFunctional.Export.Onnx;
using TfFunctional.Tests.Export;

namespace TfFunctional.Tests.Layers;

/// <summary>
/// Keras 3's Softmax under a mask: the mask broadcasts against the inputs (aligned from the last axis), masked entries
/// count as −1e9 and come out as 0 (all zeros where nothing is kept); a mask that does not broadcast is refused with
/// Keras's words. Checked by hand, in Predict and in the ONNX export.
/// </summary>
public class MaskedSoftmaxTests
{
    private static readonly float[] Scores = Enumerable.Range(0, 2 * 3 * 4).Select(k => (float)Math.Sin(k * 0.9) * 2).ToArray();

    /// <summary>Scores (batch, 3, 4) and a 0/1 mask (batch, 1, 4) given with mask=, as attention code does.</summary>
    private static Model ExplicitMask()
    {
        Keras.ClearSession();
        var scores = Keras.Input(shape: [3, 4], name: "scores");
        var keep = Keras.Input(shape: [1, 4], name: "keep");
        return new Model([scores, keep], new Softmax(name: "weights").Call(scores, mask: keep));
    }

    /// <summary>Softmax over the kept entries of each row of 4, 0 elsewhere; zeros when none is kept.</summary>
    private static float[] ByHand(float[] scores, Func<int, int, int, bool> kept, int batch)
    {
        var expected = new float[batch * 3 * 4];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < 3; i++)
            {
                var columns = Enumerable.Range(0, 4).Where(j => kept(b, i, j)).ToArray();
                if (columns.Length == 0) continue;
                double max = columns.Max(j => scores[(b * 3 + i) * 4 + j]);
                double sum = columns.Sum(j => Math.Exp(scores[(b * 3 + i) * 4 + j] - max));
                foreach (int j in columns) expected[(b * 3 + i) * 4 + j] = (float)(Math.Exp(scores[(b * 3 + i) * 4 + j] - max) / sum);
            }
        return expected;
    }

    private static readonly float[,,] Keep = { { { 1, 1, 0, 1 } }, { { 0, 0, 0, 0 } } };

    [Test]
    public void AGivenMaskKeepsItsEntriesAndZeroesTheRest()
    {
        using var model = ExplicitMask();
        using var scores = Tensor.From(Scores, 2, 3, 4);
        using var keep = Tensor.From(Keep);
        using var weights = model.Predict([scores, keep]);
        var expected = ByHand(Scores, (b, _, j) => Keep[b, 0, j] == 1, batch: 2);
        Assert.That(weights.ToArray<float>(), Is.EqualTo(expected).Within(1e-6f));
        Assert.That(expected[..12].Count(v => v > 0), Is.EqualTo(9), "sample 0 keeps three of four entries in each row");
        Assert.That(expected[12..], Is.All.EqualTo(0f), "sample 1 keeps nothing: zeros, not a uniform row");
    }

    /// <summary>
    /// Masking's mask (batch, steps) against (batch, steps, features) lines up only where sizes coincide, as in Keras:
    /// with 3 steps of 3 features and batch 1 the mask of each step applies to that column of every row.
    /// </summary>
    [Test]
    public void AnInheritedMaskBroadcastsAsKerasBroadcastsIt()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3, 3]);
        using var model = new Model(input, new Softmax(name: "weights").Call(new Masking(0).Call(input)));
        float[] values = [0.5f, -1, 2, 0, 0, 0, 1, 1.5f, -0.5f];   // step 1 is all zeros: masked
        using var x = Tensor.From(values, 1, 3, 3);
        using var y = model.Predict(x);
        var expected = new float[9];
        for (int i = 0; i < 3; i++)
        {
            // Columns 0 and 2 are kept (steps 0 and 2); column 1 is not.
            double a = Math.Exp(values[i * 3]), c = Math.Exp(values[i * 3 + 2]);
            expected[i * 3] = (float)(a / (a + c));
            expected[i * 3 + 2] = (float)(c / (a + c));
        }
        Assert.That(y.ToArray<float>(), Is.EqualTo(expected).Within(1e-6f));

        using var two = Tensor.From(values.Concat(values).ToArray(), 2, 3, 3);
        var error = Assert.Throws<ArgumentException>(() => model.Predict(two).Dispose());
        Assert.That(error!.Message, Is.EqualTo(
            "Layer \"weights\": The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the " +
            "corresponding input dimension. Received: inputs.shape=(2, 3, 3), mask.shape=(2, 3)"));
    }

    [Test]
    public void TheOnnxExportMasksAsPredictDoes()
    {
        using var model = ExplicitMask();
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        foreach (int batch in new[] { 1, 2, 4 })
        {
            var scores = Enumerable.Range(0, batch * 12).Select(k => (float)Math.Cos(k * 1.1) * 3).ToArray();
            var keep = Enumerable.Range(0, batch * 4).Select(k => k % 4 == 2 || k / 4 == 1 ? 0f : 1f).ToArray();   // sample 1 keeps nothing
            using var x = Tensor.From(scores, batch, 3, 4);
            using var m = Tensor.From(keep, batch, 1, 4);
            using var expected = model.Predict([x, m]);
            Assert.That(expected.ToArray<float>(), Is.EqualTo(ByHand(scores, (b, _, j) => keep[b * 4 + j] == 1, batch)).Within(1e-6f));
            var actual = OnnxExportTests.Run(session, model, [x, m]);
            OnnxExportTests.AssertClose(actual[0], expected.ToArray<float>(), $"batch {batch}");
        }

        // The ONNX Runtime engine refuses a mask that does not broadcast with Predict's error.
        Keras.ClearSession();
        var input = Keras.Input(shape: [3, 3]);
        using var inherited = new Model(input, new Softmax(name: "weights").Call(new Masking(0).Call(input)));
        inherited.UseOnnxRuntime();
        using var one = Tensor.From(Scores[..9], 1, 3, 3);
        using var libtorchOne = inherited.Predict(one);
        Assert.That(libtorchOne.Shape, Is.EqualTo(new Shape(1, 3, 3)));
        using var two = Tensor.From(Scores[..18], 2, 3, 3);
        var error = Assert.Throws<ArgumentException>(() => inherited.Predict(two).Dispose());
        Assert.That(error!.Message, Does.StartWith("Layer \"weights\": The `mask` must be broadcastable to `inputs`."));
    }
}
