using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// </summary>
internal sealed class MultiOutputExample : IExample
{
    public string Name => "multi-output";
    public string Description => "Article: sequence classification and per-step prediction from one LSTM.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(512, 64);
        var visible = Keras.Input(shape: (100, 1));
        var extract = new LSTM(10, returnSequences: true).Call(visible);
        var class11 = new LSTM(10).Call(extract);
        var class12 = new Dense(10, activation: "relu").Call(class11);
        var output1 = new Dense(1, activation: "sigmoid").Call(class12);
        var output2 = new TimeDistributed(new Dense(1, activation: "linear")).Call(extract);
        var model = new Model(inputs: visible, outputs: [output1, output2]);
        model.Compile(optimizer: "adam", loss: ["binary_crossentropy", "mse"]);
        var (x, y) = RnnExample.Sequences(n, seed: 9);
        return Finish(Name, model, 1_452, x, new[] { y, x }, options, options.EpochsOr(10, 2));
    }
}
