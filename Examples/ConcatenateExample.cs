using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>The guide's concatenation of a (10,) and a (3,) input, with a Dense head. Rule: target = sum of all 13 features.</summary>
internal sealed class ConcatenateExample : IExample
{
    public string Name => "concatenate";
    public string Description => "Guide: concatenate (None, 10) and (None, 3) into (None, 13).";

    public int Run(ExampleOptions options)
    {
        int n = options.SamplesOr(512, 128);
        var a = Keras.Input(shape: [10]);
        var b = Keras.Input(shape: [3]);
        var merged = Keras.Layers.Concatenate([a, b]);
        Check(merged.Shape == new Shape(null, 13), $"concatenated shape {merged.Shape}");
        var model = new Model([a, b], new Dense(1).Call(merged));
        model.Compile(optimizer: new Optimizers.SGD(0.05), loss: "mse");
        var xa = Random(15, n, 10);
        var xb = Random(16, n, 3);
        var target = Ops.Add(Ops.Sum(xa, 1, keepDims: true), Ops.Sum(xb, 1, keepDims: true));
        return Finish(Name, model, 14, new[] { xa, xb }, target, options, options.EpochsOr(20, 5));
    }
}
