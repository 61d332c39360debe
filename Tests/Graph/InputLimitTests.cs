namespace TfFunctional.Tests.Graph;

/// <summary>What a model tells a server about its inputs before any tensor exists: id bounds and working memory per row.</summary>
public class InputLimitTests
{
    [Test]
    public void ActivationBytesPerSampleCountsEveryValueAPredictHolds()
    {
        Keras.ClearSession();
        // float32 input (4) → Dense(3) → Dense(2): (4 + 3 + 2) · 4 bytes.
        var input = Keras.Input(shape: [4]);
        var chain = new Model(input, new Dense(2).Call(new Dense(3).Call(input)));
        Assert.That(chain.ActivationBytesPerSample(), Is.EqualTo(36));

        // int32 ids (5) → Embedding(·, 8): 5·4 + 5·8·4; then the chain's model nested on a Dense(4) of the mean: its
        // own values once (its input is the outer Dense's output, counted there).
        var ids = Keras.Input(shape: [5], dtype: "int32");
        var pooled = new GlobalAveragePooling1D().Call(new Embedding(10, 8).Call(ids));   // 8 · 4
        var features = new Dense(4).Call(pooled);                                         // 4 · 4
        var outer = new Model(ids, chain.Call(features));                               // + (3 + 2) · 4
        Assert.That(outer.ActivationBytesPerSample(), Is.EqualTo(20 + 160 + 32 + 16 + 20));
    }

    [Test]
    public void IndexInputLimitIsTheSmallestEmbeddingInputDim()
    {
        Keras.ClearSession();
        var ids = Keras.Input(shape: [3], dtype: "int32");
        var extra = Keras.Input(shape: [2]);
        var a = new Embedding(100, 2).Call(ids);
        var b = new Embedding(40, 2).Call(ids);
        var model = new Model([ids, extra], [Keras.Layers.Add([a, b]), extra]);
        Assert.That(model.IndexInputLimit(0), Is.EqualTo(40));
        Assert.That(model.IndexInputLimit(1), Is.Null);
    }
}
