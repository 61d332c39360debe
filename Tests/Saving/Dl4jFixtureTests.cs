namespace TfFunctional.Tests.Saving;

/// <summary>DL4J's recorded Keras runs (Keras 1.1–2.3, tf and theano): each model file predicts what Keras recorded.</summary>
public class Dl4jFixtureTests
{
    private const string Examples = "KonduitAI__dl4j-test-resources/modelimport/keras/examples";

    private static IEnumerable<TestCaseData> Cases()
    {
        string root = Fixtures.Keras(Examples);
        foreach (string folder in new[] { "activations", "conv1d", "causal_conv1d", "simple_rnn", "simple_flatten_rnn", "simple_flatten_lstm", "simple_sparse_xent", "simple_lstm" })
            foreach (string model in Directory.GetFiles(Path.Combine(root, folder), "*_model.h5").Order())
            {
                string recording = model.Replace("_model.h5", "_inputs_and_outputs.h5");
                // simple_lstm_tf_keras_2 recorded training targets only (SOURCES.md): nothing to compare against.
                if (File.Exists(recording) && HasPredictions(recording))
                    yield return new TestCaseData(model, recording).SetName($"Dl4j_{Path.GetFileName(model).Replace("_model.h5", "")}");
            }
    }

    private static bool HasPredictions(string recording)
    {
        using var file = PureHDF.H5File.OpenRead(recording);
        return file.LinkExists("predictions");
    }

    [TestCaseSource(nameof(Cases))]
    public void PredictsWhatKerasRecorded(string modelFile, string recording)
    {
        var model = Keras.LoadModel(modelFile);
        var run = Dl4jCase.Load(recording);
        var outputs = model.PredictOutputs(run.Inputs);
        try
        {
            for (int i = 0; i < model.OutputNames.Count; i++)
            {
                var expected = run.Predictions[model.OutputNames[i]];
                Assert.That(outputs[i].Shape.Select(d => (long)d!.Value), Is.EqualTo(expected.Shape));
                Fixtures.AssertClose(outputs[i].ToArray<float>(), expected.Values.Select(v => (double)v).ToArray(), Path.GetFileName(modelFile));
            }
        }
        finally
        {
            foreach (var o in outputs) o.Dispose();
            foreach (var t in run.Inputs) t.Dispose();
        }
    }
}
