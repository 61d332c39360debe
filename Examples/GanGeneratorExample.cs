using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// </summary>
internal sealed class GanGeneratorExample : IExample
{
    public string Name => "gan-generator";
    public string Description => "Keras DCGAN generator: Dense, Reshape, Conv2DTranspose, LeakyReLU, Conv2D.";

    public int Run(ExampleOptions options)
    {
        const int latentDim = 128;
        var generator = new Sequential(
        [
            new InputLayer(shape: [latentDim]),
            new Dense(8 * 8 * 128),
            new Reshape((8, 8, 128)),
            new Conv2DTranspose(128, kernelSize: 4, strides: 2, padding: "same"),
            new LeakyReLU(negativeSlope: 0.2),
            new Conv2DTranspose(256, kernelSize: 4, strides: 2, padding: "same"),
            new LeakyReLU(negativeSlope: 0.2),
            new Conv2DTranspose(512, kernelSize: 4, strides: 2, padding: "same"),
            new LeakyReLU(negativeSlope: 0.2),
            new Conv2D(3, kernelSize: 5, padding: "same", activation: "sigmoid"),
        ], name: "generator");
        generator.Compile(optimizer: new Optimizers.Adam(0.001), loss: "mse");
        int n = options.SamplesOr(32, 4);
        var latent = Random(22, n, latentDim);
        var (target, _) = CnnExample.HalfBrightImages(n, 64, seed: 23, channels: 3);
        return Finish(Name, generator, 3_979_651, latent, target, options, options.EpochsOr(4, 2), batchSize: 4);
    }
}
