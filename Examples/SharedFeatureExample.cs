using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Shared feature extraction: one LSTM feeds two interpretations. Rule as for rnn.</summary>
internal sealed class SharedFeatureExample : IExample
{
    public string Name => "shared-feature";
    public string Description => "Article: one LSTM feature extractor, two interpretation branches.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(512, 64);
        var visible = Keras.Input(shape: (100, 1));
        var extract1 = new LSTM(10).Call(visible);
        var interp1 = new Dense(10, activation: "relu").Call(extract1);
        var interp11 = new Dense(10, activation: "relu").Call(extract1);
        var interp12 = new Dense(20, activation: "relu").Call(interp11);
        var interp13 = new Dense(10, activation: "relu").Call(interp12);
        var merge = Keras.Layers.Concatenate([interp1, interp13]);
        var output = new Dense(1, activation: "sigmoid").Call(merge);
        var model = new Model(inputs: visible, outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var (x, y) = RnnExample.Sequences(n, seed: 6);
        return Finish(Name, model, 1_151, x, y, options, options.EpochsOr(15, 8));
    }
}
