using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// </summary>
internal sealed class SharedVisionExample : IExample
{
    public string Name => "shared-vision";
    public string Description => "Guide: one vision model applied to two digit images (\"same digit?\").";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(512, 64);
        // First, define the vision modules
        var digitInput = Keras.Input(shape: (27, 27, 1));
        var x = new Conv2D(64, (3, 3)).Call(digitInput);
        x = new Conv2D(64, (3, 3)).Call(x);
        x = new MaxPooling2D((2, 2)).Call(x);
        var outVision = new Flatten().Call(x);
        var visionModel = new Model(digitInput, outVision);
        // Then define the tell-digits-apart model
        var digitA = Keras.Input(shape: (27, 27, 1));
        var digitB = Keras.Input(shape: (27, 27, 1));
        // The vision model will be shared, weights and all
        var outA = visionModel.Call(digitA);
        var outB = visionModel.Call(digitB);
        var concatenated = Keras.Layers.Concatenate([outA, outB]);
        var output = new Dense(1, activation: "sigmoid").Call(concatenated);
        var classificationModel = new Model([digitA, digitB], output);
        classificationModel.Compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"]);
        var random = new Random(12);
        var digits = new int[n, 2];
        for (int i = 0; i < n; i++)
        {
            digits[i, 0] = random.Next(10);
            digits[i, 1] = random.Next(2) == 0 ? digits[i, 0] : random.Next(10);
        }
        Tensor Images(int which)
        {
            var values = new float[n * 27 * 27];
            for (int i = 0; i < n; i++)
                for (int p = 0; p < 27 * 27; p++)
                    values[i * 729 + p] = (float)(random.NextDouble() * 0.2 + (p / 27 == 2 * digits[i, which] + 3 ? 0.8 : 0));
            return Tensor.From(values, n, 27, 27, 1);
        }
        var y = Labels(n, i => digits[i, 0] == digits[i, 1]);
        return Finish(Name, classificationModel, 53_057, new[] { Images(0), Images(1) }, y, options, options.EpochsOr(6, 2));
    }
}
