using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Shared input layer: two convolutional branches read one image. Rule as for cnn.</summary>
internal sealed class SharedInputExample : IExample
{
    public string Name => "shared-input";
    public string Description => "Article: two convolutional branches on one input, concatenated.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(192, 32);
        var visible = Keras.Input(shape: (64, 64, 1));
        var conv1 = new Conv2D(32, kernelSize: 4, activation: "relu").Call(visible);
        var flat1 = new Flatten().Call(new MaxPooling2D(poolSize: (2, 2)).Call(conv1));
        var conv2 = new Conv2D(16, kernelSize: 8, activation: "relu").Call(visible);
        var flat2 = new Flatten().Call(new MaxPooling2D(poolSize: (2, 2)).Call(conv2));
        var merge = Keras.Layers.Concatenate([flat1, flat2]);
        var hidden1 = new Dense(10, activation: "relu").Call(merge);
        var output = new Dense(1, activation: "sigmoid").Call(hidden1);
        var model = new Model(inputs: visible, outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var (x, y) = CnnExample.HalfBrightImages(n, 64, seed: 5);
        return Finish(Name, model, 415_045, x, y, options, options.EpochsOr(6, 2));
    }
}
