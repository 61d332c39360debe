namespace TfFunctional.Tests.Training;

/// <summary>
/// An output that carries a Keras mask (sequence labelling over padded ids): the loss is the mean over the kept steps
/// (Keras's <c>apply_mask</c>), accuracy counts the kept steps only, and a masked step's target moves nothing in training.
/// Checked by hand from the model's own predictions.
/// </summary>
public class MaskedLossTests
{
    /// <summary>Ids 1–5 with 0 as padding, four steps: row 0 keeps 3 steps, row 1 keeps 1.</summary>
    private static readonly int[,] Ids = { { 3, 1, 4, 0 }, { 5, 0, 0, 0 } };

    private static readonly int[,] Tags = { { 0, 1, 1, 0 }, { 1, 0, 0, 0 } };

    private static Model Tagger(int seed = 7)
    {
        Keras.ClearSession();
        var ids = Keras.Input(shape: [4], dtype: "int32");
        var embedded = new Embedding(6, 3, maskZero: true, embeddingsInitializer: new Initializers.RandomUniform(-1, 1, seed: seed)).Call(ids);
        var tags = new Dense(2, activation: "softmax", kernelInitializer: new Initializers.GlorotUniform(seed: seed + 1)).Call(embedded);
        var model = new Model(ids, tags);
        model.Compile("sgd", "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    [Test]
    public void LossAndAccuracyAreOverTheKeptSteps()
    {
        using var model = Tagger();
        using var predicted = model.Predict(Ids);
        var p = predicted.ToArray<float>();   // (2, 4, 2)
        double loss = 0, correct = 0;
        int kept = 0;
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 4; t++)
            {
                if (Ids[b, t] == 0) continue;
                kept++;
                double pTag = p[(b * 4 + t) * 2 + Tags[b, t]];
                loss -= Math.Log(pTag);
                correct += pTag > 0.5 ? 1 : 0;
            }
        Assert.That(kept, Is.EqualTo(4));
        var logs = model.Evaluate(Ids, Tags);
        Assert.That(logs["loss"], Is.EqualTo(loss / kept).Within(1e-5), "the mean over the 4 kept steps, not the 8 steps");
        Assert.That(logs["accuracy"], Is.EqualTo(correct / kept).Within(1e-9));

        // Every step of a batch masked: nothing to average, and Keras's loss is 0.
        var empty = model.Evaluate(new int[,] { { 0, 0, 0, 0 } }, new int[,] { { 1, 1, 1, 1 } });
        Assert.That(empty["loss"], Is.EqualTo(0));
    }

    [Test]
    public void AMaskedStepsTargetMovesNothing()
    {
        var changed = (int[,])Tags.Clone();
        changed[0, 3] = 1;   // padding steps
        changed[1, 2] = 1;
        float[][] After(int[,] tags)
        {
            using var model = Tagger();
            model.TrainOnBatch(Ids, tags);
            return model.GetWeights().Select(w => w.Cast<float>().ToArray()).ToArray();
        }
        var first = After(Tags);
        var second = After(changed);
        for (int i = 0; i < first.Length; i++) Assert.That(second[i], Is.EqualTo(first[i]), $"weight {i}");

        // A kept step's target does move them (the comparison can fail).
        var kept = (int[,])Tags.Clone();
        kept[0, 0] = 1;
        Assert.That(After(kept)[2], Is.Not.EqualTo(first[2]), "the Dense kernel learns from kept steps");
    }
}
