using Microsoft.ML.OnnxRuntime;
using TfFunctional.Export.Onnx;

namespace TfFunctional.Tests.Export;

/// <summary>
/// Keras masks in the export: Masking and Embedding(mask_zero) compute them in the graph, layers pass them on as in
/// Predict, and the recurrent layers and GlobalAveragePooling1D follow them, with gaps anywhere in a sequence, sequences
/// with no kept step, going backwards, in both directions, returned sequences and states, and initial states.
/// </summary>
public class OnnxMaskTests
{
    /// <summary>Sequences of 6 steps with 3 features; rows 1 and 3 have masked gaps (all features 0), row 2 is all masked.</summary>
    private static Tensor Steps(int batch)
    {
        var values = new float[batch * 6 * 3];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < 6; t++)
            {
                bool masked = b % 4 == 1 && t is 0 or 3 || b % 4 == 2 || b % 4 == 3 && t >= 2;
                for (int f = 0; f < 3; f++) values[(b * 6 + t) * 3 + f] = masked ? 0 : (float)Math.Sin(b * 1.3 + t * 0.7 + f * 0.4) + 0.1f;
            }
        return Tensor.From(values, batch, 6, 3);
    }

    private static void AssertExportMatches(Model model, Func<int, Tensor[]> inputs)
    {
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        foreach (int batch in new[] { 1, 4 })
        {
            var x = inputs(batch);
            var expected = model.PredictOutputs(x);
            var actual = OnnxExportTests.Run(session, model, x);
            for (int i = 0; i < expected.Count; i++)
                OnnxExportTests.AssertClose(actual[i], expected[i].ToArray<float>(), $"output {i}, batch {batch}");
            foreach (var t in expected.Concat(x)) t.Dispose();
        }
    }

    private static IEnumerable<TestCaseData> Recurrences()
    {
        foreach (string kind in new[] { "SimpleRNN", "LSTM", "GRU", "GRU(reset_after=False)" })
            foreach (bool sequences in new[] { false, true })
                foreach (bool backwards in new[] { false, true })
                    yield return new TestCaseData(kind, sequences, backwards).SetName($"MaskedOnnx_{kind}_{(sequences ? "sequences" : "last")}{(backwards ? "_backwards" : "")}");
    }

    private static RecurrentLayer Recurrent(string kind, bool sequences, bool backwards, bool states = false) => kind switch
    {
        "SimpleRNN" => new SimpleRNN(4, returnSequences: sequences, goBackwards: backwards, returnState: states, kernelInitializer: new Initializers.GlorotUniform(seed: 1)),
        "LSTM" => new LSTM(4, returnSequences: sequences, goBackwards: backwards, returnState: states, kernelInitializer: new Initializers.GlorotUniform(seed: 2)),
        "GRU" => new GRU(4, returnSequences: sequences, goBackwards: backwards, returnState: states, kernelInitializer: new Initializers.GlorotUniform(seed: 3)),
        _ => new GRU(4, returnSequences: sequences, goBackwards: backwards, returnState: states, resetAfter: false, kernelInitializer: new Initializers.GlorotUniform(seed: 4)),
    };

    [TestCaseSource(nameof(Recurrences))]
    public void AMaskedRecurrenceGivesPredictsNumbers(string kind, bool sequences, bool backwards)
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [6, 3], name: "steps");
        var masked = new Masking(0).Call(input);
        var recurrent = Recurrent(kind, sequences, backwards);
        // The mask passes through a Dense on the way (the base rule), and the output through a Dense after.
        var output = new Dense(2, name: "head").Call(recurrent.Call(new Dense(3, activation: "tanh", name: "before").Call(masked)));
        AssertExportMatches(new Model(input, output), batch => [Steps(batch)]);
    }

    [TestCase("LSTM")]
    [TestCase("GRU")]
    public void InitialStatesAndReturnedStatesUnderAMask(string kind)
    {
        Keras.ClearSession();
        var encoderInput = Keras.Input(shape: [6, 3], name: "encoder");
        var encoder = Recurrent(kind, sequences: false, backwards: false, states: true).CallOutputs(new Masking(0).Call(encoderInput));
        var decoderInput = Keras.Input(shape: [6, 3], name: "decoder");
        var decoder = Recurrent(kind, sequences: true, backwards: false, states: true);
        var decoded = decoder.CallOutputs([new Masking(0).Call(decoderInput), .. encoder.Skip(1)]);
        var model = new Model([encoderInput, decoderInput], [.. decoded, encoder[0]]);
        AssertExportMatches(model, batch =>
        {
            using var steps = Steps(batch);
            var reversed = Ops.Flip(steps, 1);   // other gaps for the decoder
            return [Ops.Copy(steps), reversed];
        });
    }

    [Test]
    public void EmbeddingMaskZeroThroughGlobalAveragePooling()
    {
        Keras.ClearSession();
        var ids = Keras.Input(shape: [7], dtype: "int32", name: "ids");
        var embedded = new Embedding(9, 4, maskZero: true, embeddingsInitializer: new Initializers.RandomUniform(-1, 1, seed: 5)).Call(ids);
        var pooled = new GlobalAveragePooling1D().Call(embedded);
        var sequence = new LSTM(3, returnSequences: true).Call(embedded);
        var model = new Model(ids, [pooled, new GlobalAveragePooling1D().Call(sequence)]);
        AssertExportMatches(model, batch => [Tensor.From(Enumerable.Range(0, batch * 7).Select(k => k * 5 % 9 % 4 == 0 ? 0 : k * 5 % 9).ToArray(), batch, 7)]);
    }

    [TestCase("LSTM", "concat", false)]
    [TestCase("LSTM", "concat", true)]
    [TestCase("GRU", "sum", true)]
    [TestCase("GRU", "ave", false)]
    [TestCase("SimpleRNN", "mul", true)]
    [TestCase("LSTM", null, true)]
    public void AMaskedBidirectionalGivesPredictsNumbers(string kind, string? mergeMode, bool sequences)
    {
        Keras.ClearSession();
        var input = Keras.Input(shape: [6, 3], name: "steps");
        var both = new Bidirectional(Recurrent(kind, sequences, backwards: false), mergeMode: mergeMode, name: "both");
        var outputs = both.CallOutputs(new Masking(0).Call(input));
        AssertExportMatches(new Model(input, outputs.Select(o => new Dense(2).Call(o)).ToArray()), batch => [Steps(batch)]);
    }

    [TestCase("Attention")]
    [TestCase("Attention(concat)")]
    [TestCase("AdditiveAttention")]
    [TestCase("MultiHeadAttention")]
    [TestCase("MultiHeadAttention(self)")]
    public void MaskedAttentionGivesPredictsNumbers(string kind)
    {
        Keras.ClearSession();
        var queryIds = Keras.Input(shape: [5], dtype: "int32", name: "query_ids");
        var valueIds = Keras.Input(shape: [7], dtype: "int32", name: "value_ids");
        var table = new Embedding(9, 4, maskZero: true, embeddingsInitializer: new Initializers.RandomUniform(-1, 1, seed: 6));
        var (query, value) = (table.Call(queryIds), table.Call(valueIds));
        var attended = kind switch
        {
            "Attention" => new Attention(name: "attend").CallOutputs([query, value], returnAttentionScores: true),
            "Attention(concat)" => new Attention(scoreMode: "concat", name: "attend").CallOutputs([query, value], returnAttentionScores: true),
            "AdditiveAttention" => new AdditiveAttention(name: "attend").CallOutputs([query, value], returnAttentionScores: true),
            "MultiHeadAttention" => new MultiHeadAttention(2, 3, kernelInitializer: new Initializers.GlorotUniform(seed: 7), name: "attend")
                .CallOutputs(query, value, returnAttentionScores: true),
            _ => [new MultiHeadAttention(2, 3, kernelInitializer: new Initializers.GlorotUniform(seed: 8), name: "attend").Call(query)],
        };
        // The output keeps the query's mask: an LSTM after it follows it too.
        var model = new Model([queryIds, valueIds], [.. attended, new LSTM(2).Call(attended[0])]);
        AssertExportMatches(model, batch =>
        [
            Tensor.From(Enumerable.Range(0, batch * 5).Select(k => k % 3 == 0 ? 0 : k * 5 % 9).ToArray(), batch, 5),
            Tensor.From(Enumerable.Range(0, batch * 7).Select(k => k % 4 == 1 ? 0 : k * 7 % 9).ToArray(), batch, 7),
        ]);
    }

    [TestCase("concatenate features")]
    [TestCase("concatenate steps")]
    [TestCase("add")]
    [TestCase("multiply, one unmasked")]
    public void MergedMasksGivePredictsNumbers(string kind)
    {
        Keras.ClearSession();
        var a = Keras.Input(shape: [6, 3], name: "a");
        var b = Keras.Input(shape: [6, 3], name: "b");
        var (ma, mb) = (new Masking(0).Call(a), new Masking(0).Call(b));
        var merged = kind switch
        {
            "concatenate features" => Keras.Layers.Concatenate([ma, mb]),
            "concatenate steps" => Keras.Layers.Concatenate([ma, mb], axis: 1),
            "add" => Keras.Layers.Add([ma, mb]),
            _ => Keras.Layers.Multiply([ma, b]),
        };
        var model = new Model([a, b], new LSTM(2, returnSequences: true, kernelInitializer: new Initializers.GlorotUniform(seed: 9)).Call(merged));
        AssertExportMatches(model, batch =>
        {
            using var steps = Steps(batch);
            return [Ops.Copy(steps), Ops.Flip(steps, 1)];
        });
    }

    [Test]
    public void AMaskTheExportDoesNotComputeIsRefusedNotDropped()
    {
        // The Keras 1 Merge layer has its own mask rule in Predict and none in the export: the LSTM after it must refuse.
        Keras.ClearSession();
        var a = Keras.Input(shape: [6, 3]);
        var b = Keras.Input(shape: [6, 3]);
        var joined = new Merge("sum").Call([new Masking(0).Call(a), new Masking(0).Call(b)]);
        var model = new Model([a, b], new LSTM(2, name: "after").Call(joined));
        var error = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model))!;
        Assert.That(error.Message, Does.StartWith("Layer \"after\" (LSTM) receives a mask the ONNX export does not compute"));
    }

    [Test]
    public void AWrongMaskWouldBeCaught()
    {
        // The export with the mask ignored (the model without Masking) differs from Predict with it: the check can fail.
        Keras.ClearSession();
        var input = Keras.Input(shape: [6, 3]);
        var lstm = new LSTM(4, kernelInitializer: new Initializers.GlorotUniform(seed: 2));
        var masked = new Model(input, lstm.Call(new Masking(0).Call(input)));
        var plain = new Model(input, lstm.Call(input));
        using var session = new InferenceSession(OnnxExport.ToBytes(plain));
        using var x = Steps(4);
        using var expected = masked.Predict(x);
        Assert.That(OnnxExportTests.Close(OnnxExportTests.Run(session, plain, [x])[0], expected.ToArray<float>()), Is.False);
    }
}
