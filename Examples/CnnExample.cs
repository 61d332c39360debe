using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Convolutional network. Rule: label = the left half of the image is brighter.</summary>
internal sealed class CnnExample : IExample
{
    public string Name => "cnn";
    public string Description => "Article: convolutional network on 64×64 grey images.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(256, 48);
        var visible = Keras.Input(shape: (64, 64, 1));
        var conv1 = new Conv2D(32, kernelSize: 4, activation: "relu").Call(visible);
        var pool1 = new MaxPooling2D(poolSize: (2, 2)).Call(conv1);
        var conv2 = new Conv2D(16, kernelSize: 4, activation: "relu").Call(pool1);
        var pool2 = new MaxPooling2D(poolSize: (2, 2)).Call(conv2);
        var flat = new Flatten().Call(pool2);
        var hidden1 = new Dense(10, activation: "relu").Call(flat);
        var output = new Dense(1, activation: "sigmoid").Call(hidden1);
        var model = new Model(inputs: visible, outputs: output);
        model.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var (x, y) = HalfBrightImages(n, 64, seed: 2);
        return Finish(Name, model, 35_813, x, y, options, options.EpochsOr(8, 2));
    }

    internal static (Tensor X, Tensor Y) HalfBrightImages(int n, int size, int seed, int channels = 1)
    {
        var random = new Random(seed);
        var x = new float[n * size * size * channels];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = random.Next(2) == 1;
            for (int p = 0; p < size * size * channels; p++)
            {
                int column = p / channels % size;
                bool bright = labels[i] == column < size / 2;
                x[i * size * size * channels + p] = (float)(random.NextDouble() * 0.5 + (bright ? 0.5 : 0));
            }
        }
        return (Tensor.From(x, n, size, size, channels), Labels(n, i => labels[i]));
    }
}
