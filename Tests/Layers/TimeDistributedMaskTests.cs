using Microsoft.ML.OnnxRuntime;
using TfFunctional.Export.Onnx;
using TfFunctional.Tests.Export;

namespace TfFunctional.Tests.Layers;

/// <summary>
/// A mask through TimeDistributed, as Keras: the inner layer gets each step's mask (an LSTM over the masked words of
/// each sentence), and the mask leaving is the inner layer's or the incoming one reduced to (batch, time), so an outer
/// LSTM over the sentences follows it. Checked against the same layers run sentence by sentence, and in the export.
/// </summary>
public class TimeDistributedMaskTests
{
    /// <summary>(2 documents, 3 sentences, 4 words, 2 features): document 0's last sentence is all padding, document 1's sentences end in two padded words.</summary>
    private static float[,,,] Documents(int documents = 2)
    {
        var x = new float[documents, 3, 4, 2];
        for (int b = 0; b < documents; b++)
            for (int t = 0; t < 3; t++)
                for (int s = 0; s < 4; s++)
                    for (int f = 0; f < 2; f++)
                        x[b, t, s, f] = b % 2 == 0 && t == 2 || b % 2 == 1 && s >= 2 ? 0 : (float)Math.Sin(b + t * 1.7 + s * 0.3 + f) + 0.2f;
        return x;
    }

    private static (Model Model, LSTM Words, LSTM Sentences) Hierarchy()
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [3, 4, 2]);
        var words = new LSTM(5, kernelInitializer: new Initializers.GlorotUniform(seed: 1), name: "words");
        var sentences = new LSTM(6, kernelInitializer: new Initializers.GlorotUniform(seed: 2), name: "sentences");
        var encoded = new TimeDistributed(words).Call(new Masking(0).Call(input));
        return (new Model(input, sentences.Call(encoded)), words, sentences);
    }

    [Test]
    public void AnInnerLstmReadsEachSentenceUnderItsMaskAndTheOuterOneSkipsEmptySentences()
    {
        var (model, words, sentences) = Hierarchy();
        using var _ = model;
        var x = Documents();
        using var actual = model.Predict(x);

        // The same two LSTMs, sentence by sentence: words under Masking; sentences under "any word kept".
        var wordInput = Keras.Input(shape: [4, 2]);
        using var sentenceEncoder = new Model(wordInput, words.Call(new Masking(0).Call(wordInput)));
        var encoded = new float[2, 3, 5];
        var keep = new float[2, 3];
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
            {
                var sentence = new float[1, 4, 2];
                for (int s = 0; s < 4; s++) for (int f = 0; f < 2; f++) sentence[0, s, f] = x[b, t, s, f];
                using var vector = sentenceEncoder.Predict(sentence);
                var values = vector.ToArray<float>();
                for (int u = 0; u < 5; u++) encoded[b, t, u] = values[u];
                keep[b, t] = Enumerable.Range(0, 8).Any(k => sentence[0, k / 2, k % 2] != 0) ? 1 : 0;
            }
        var sentenceInput = Keras.Input(shape: [3, 5]);
        var keepInput = Keras.Input(shape: [3]);
        using var documentEncoder = new Model([sentenceInput, keepInput], sentences.Call(sentenceInput, mask: keepInput));
        using var expected = documentEncoder.Predict([encoded, keep]);
        Assert.That(keep[0, 2], Is.EqualTo(0), "document 0's last sentence is empty");
        Assert.That(actual.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()).Within(1e-6f));

        // Without the masks (the same LSTMs on the padded values) the numbers differ: the test sees the masks.
        var plainInput = Keras.Input(shape: [3, 4, 2]);
        using var plain = new Model(plainInput, sentences.Call(new TimeDistributed(words).Call(plainInput)));
        using var unmasked = plain.Predict(x);
        Assert.That(unmasked.ToArray<float>(), Is.Not.EqualTo(actual.ToArray<float>()).Within(1e-3f));
    }

    [Test]
    public void TheExportFollowsTheSameMasks()
    {
        var (model, _, _) = Hierarchy();
        using var _ = model;
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        foreach (int documents in new[] { 1, 2, 5 })
        {
            using var x = Tensor.From(Documents(documents));
            using var expected = model.Predict(x);
            var actual = OnnxExportTests.Run(session, model, [x]);
            OnnxExportTests.AssertClose(actual[0], expected.ToArray<float>(), $"{documents} documents");
        }
    }
}
