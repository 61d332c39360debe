using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Multiple inputs: a grey 64×64 and a colour 32×32 image. Rule: the left half of the grey image is brighter.</summary>
internal sealed class MultiInputExample : IExample
{
    public string Name => "multi-input";
    public string Description => "Article: two image inputs of different sizes, two convolutional branches.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(192, 32);
        var visible1 = Keras.Input(shape: (64, 64, 1));
        var pool11 = new MaxPooling2D(poolSize: (2, 2)).Call(new Conv2D(32, kernelSize: 4, activation: "relu").Call(visible1));
        var pool12 = new MaxPooling2D(poolSize: (2, 2)).Call(new Conv2D(16, kernelSize: 4, activation: "relu").Call(pool11));
        var flat1 = new Flatten().Call(pool12);
        var visible2 = Keras.Input(shape: (32, 32, 3));
        var pool21 = new MaxPooling2D(poolSize: (2, 2)).Call(new Conv2D(32, kernelSize: 4, activation: "relu").Call(visible2));
        var pool22 = new MaxPooling2D(poolSize: (2, 2)).Call(new Conv2D(16, kernelSize: 4, activation: "relu").Call(pool21));
        var flat2 = new Flatten().Call(pool22);
        var merge = Keras.Layers.Concatenate([flat1, flat2]);
        var hidden1 = new Dense(10, activation: "relu").Call(merge);
        var hidden2 = new Dense(10, activation: "relu").Call(hidden1);
        var output = new Dense(1, activation: "sigmoid").Call(hidden2);
        var model = new Model(inputs: [visible1, visible2], outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var (grey, y) = CnnExample.HalfBrightImages(n, 64, seed: 7);
        var colour = Random(8, n, 32, 32, 3);
        return Finish(Name, model, 49_699, new[] { grey, colour }, y, options, options.EpochsOr(6, 2));
    }
}
