using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Recurrent network. Rule: label = the sequence's first value is above 0.5 (it must be remembered for 100 steps).</summary>
internal sealed class RnnExample : IExample
{
    public string Name => "rnn";
    public string Description => "Article: LSTM(10) over 100 steps.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(512, 64);
        var visible = Keras.Input(shape: (100, 1));
        var hidden1 = new LSTM(10).Call(visible);
        var hidden2 = new Dense(10, activation: "relu").Call(hidden1);
        var output = new Dense(1, activation: "sigmoid").Call(hidden2);
        var model = new Model(inputs: visible, outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var (x, y) = Sequences(n, seed: 3);
        return Finish(Name, model, 601, x, y, options, options.EpochsOr(15, 8));
    }

    internal static (Tensor X, Tensor Y) Sequences(int n, int seed)
    {
        var x = Random(seed, n, 100, 1);
        var values = x.ToArray<float>();
        return (x, Labels(n, i => values[i * 100] > 0.5));
    }
}
