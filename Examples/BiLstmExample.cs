using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Bidirectional LSTM. Rule as for rnn: the first value, which the backward pass sees last.</summary>
internal sealed class BiLstmExample : IExample
{
    public string Name => "bilstm";
    public string Description => "Bidirectional(LSTM(10)) over 100 steps, concatenated.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(512, 64);
        var visible = Keras.Input(shape: (100, 1));
        var encoded = new Bidirectional(new LSTM(10)).Call(visible);
        var output = new Dense(1, activation: "sigmoid").Call(encoded);
        var model = new Model(inputs: visible, outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var (x, y) = RnnExample.Sequences(n, seed: 4);
        return Finish(Name, model, 981, x, y, options, options.EpochsOr(10, 2));
    }
}
