using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>The guide's residual connection: <c>add([x, Conv2D(3, 3×3, same)(x)])</c>. Rule: learn the target 2·x (the convolution must become the identity).</summary>
internal sealed class ResidualExample : IExample
{
    public string Name => "residual";
    public string Description => "Guide: residual connection around a 3×3 convolution.";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(128, 32), size = options.Quick ? 16 : 64;
        // input tensor for a 3-channel image
        var x = Keras.Input(shape: (size, size, 3));
        // 3x3 conv with 3 output channels (same as input channels)
        var y = new Conv2D(3, (3, 3), padding: "same").Call(x);
        // this returns x + y.
        var z = Keras.Layers.Add([x, y]);
        var model = new Model(x, z);
        model.Compile(optimizer: new Optimizers.Adam(0.01), loss: "mse");
        var data = Random(14, n, size, size, 3);
        return Finish(Name, model, 84, data, Ops.Multiply(data, 2.0), options, options.EpochsOr(10, 3));
    }
}
