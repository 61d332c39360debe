using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>The guide's shared LSTM: are two tweets from the same person? Rule: label = the first feature of tweet a's last step exceeds tweet b's.</summary>
internal sealed class SharedLstmExample : IExample
{
    public string Name => "shared-lstm";
    public string Description => "Guide: one LSTM(64) encodes two tweets (280 × 256), shared weights.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(256, 64);
        var tweetA = Keras.Input(shape: (280, 256));
        var tweetB = Keras.Input(shape: (280, 256));
        // This layer can take as input a matrix and will return a vector of size 64
        var sharedLstm = new LSTM(64);
        // When we reuse the same layer instance multiple times, the weights of the layer are also being reused
        var encodedA = sharedLstm.Call(tweetA);
        var encodedB = sharedLstm.Call(tweetB);
        var mergedVector = Keras.Layers.Concatenate([encodedA, encodedB], axis: -1);
        var predictions = new Dense(1, activation: "sigmoid").Call(mergedVector);
        var model = new Model(inputs: [tweetA, tweetB], outputs: predictions);
        model.Compile(optimizer: new Optimizers.RMSprop(0.003), loss: "binary_crossentropy", metrics: ["accuracy"]);
        var a = Random(10, n, 280, 256);
        var b = Random(11, n, 280, 256);
        float[] va = a.ToArray<float>(), vb = b.ToArray<float>();
        int last = 279 * 256;
        var y = Labels(n, i => va[i * 280 * 256 + last] > vb[i * 280 * 256 + last]);
        Check(sharedLstm.GetOutputAt(0) == encodedA && sharedLstm.GetOutputAt(1) == encodedB, "the shared layer has one node per call");
        return Finish(Name, model, 82_305, new[] { a, b }, y, options, options.EpochsOr(5, 4));
    }
}
