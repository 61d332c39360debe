using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Multilayer perceptron. Rule: label = x₀ + x₁ &gt; 1.</summary>
internal sealed class MlpExample : IExample
{
    public string Name => "mlp";
    public string Description => "Article: multilayer perceptron, 10 → 10 → 20 → 10 → 1.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(1000, 256);
        var visible = Keras.Input(shape: [10]);
        var hidden1 = new Dense(10, activation: "relu").Call(visible);
        var hidden2 = new Dense(20, activation: "relu").Call(hidden1);
        var hidden3 = new Dense(10, activation: "relu").Call(hidden2);
        var output = new Dense(1, activation: "sigmoid").Call(hidden3);
        var model = new Model(inputs: visible, outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var x = Random(1, n, 10);
        var values = x.ToArray<float>();
        var y = Labels(n, i => values[i * 10] + values[i * 10 + 1] > 1);
        return Finish(Name, model, 551, x, y, options, options.EpochsOr(20, 5), plot: !options.Quick);
    }
}
