using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// </summary>
internal sealed class InceptionExample : IExample
{
    public string Name => "inception";
    public string Description => "Guide: inception module (three towers, concatenate axis=1); trained with a small head.";

    private static KerasTensor Module(KerasTensor inputImg)
    {
        var tower1 = new Conv2D(64, (1, 1), padding: "same", activation: "relu").Call(inputImg);
        tower1 = new Conv2D(64, (3, 3), padding: "same", activation: "relu").Call(tower1);
        var tower2 = new Conv2D(64, (1, 1), padding: "same", activation: "relu").Call(inputImg);
        tower2 = new Conv2D(64, (5, 5), padding: "same", activation: "relu").Call(tower2);
        var tower3 = new MaxPooling2D((3, 3), strides: (1, 1), padding: "same").Call(inputImg);
        tower3 = new Conv2D(64, (1, 1), padding: "same", activation: "relu").Call(tower3);
        return Keras.Layers.Concatenate([tower1, tower2, tower3], axis: 1);
    }

    public int Run(ExampleOptions options)
    {
        var guideInput = Keras.Input(shape: (256, 256, 3));
        var guide = new Model(guideInput, Module(guideInput), name: "inception_module");
        bool ok = Check(guide.CountParams() == 140_160 && guide.Outputs[0].Shape == new Shape(null, 768, 256, 64),
            $"the guide's module: {guide.CountParams():N0} parameters, output {guide.Outputs[0].Shape}");
        Keras.Utils.PlotModel(guide, toFile: options.File("inception.png"), showShapes: true);
        Console.WriteLine($"  drew {options.File("inception.png")}");

        int n = options.SamplesOr(128, 16), size = options.Quick ? 12 : 24;
        var inputImg = Keras.Input(shape: (size, size, 3));
        var features = new GlobalAveragePooling2D().Call(Module(inputImg));
        var model = new Model(inputImg, new Dense(1, activation: "sigmoid").Call(features));
        model.Compile(optimizer: "adam", loss: "binary_crossentropy");
        var (x, y) = CnnExample.HalfBrightImages(n, size, seed: 13, channels: 3);
        return Finish(Name, model, 140_160 + 65, x, y, options, options.EpochsOr(5, 3)) | (ok ? 0 : 1);
    }
}
