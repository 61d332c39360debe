using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>Keras 1's Merge modes and Keras 2's merge functions on fixed inputs, printed; then a small model merged by concatenation is trained.</summary>
internal sealed class MergeExample : IExample
{
    public string Name => "merge";
    public string Description => "Keras 1 Merge(mode=...) and Keras 2 add/multiply/... with their printed outputs.";

    public int Run(ExampleOptions options)
    {
        float[,] left = { { 1, 2, 3 } }, right = { { 4, -5, 6 } };
        var a = Keras.Input(shape: [3]);
        var b = Keras.Input(shape: [3]);
        foreach (string mode in new[] { "sum", "mul", "concat", "ave", "max", "dot", "cos" })
        {
            var model = new Model([a, b], new Merge(mode).Call([a, b]));
            using var y = model.Predict([left, right]);
            Console.WriteLine($"  Merge(mode='{mode}') -> [{string.Join(", ", y.ToArray<float>().Select(v => v.ToString("0.####")))}]");
        }
        foreach (var (name, merge) in new (string, Func<IReadOnlyList<KerasTensor>, KerasTensor>)[]
        {
            ("add", t => Keras.Layers.Add(t)), ("subtract", t => Keras.Layers.Subtract(t)), ("multiply", t => Keras.Layers.Multiply(t)),
            ("average", t => Keras.Layers.Average(t)), ("maximum", t => Keras.Layers.Maximum(t)), ("minimum", t => Keras.Layers.Minimum(t)),
            ("concatenate", t => Keras.Layers.Concatenate(t)), ("dot", t => Keras.Layers.Dot(t, axes: 1)),
        })
        {
            using var y = new Model([a, b], merge([a, b])).Predict([left, right]);
            Console.WriteLine($"  keras.layers.{name} -> [{string.Join(", ", y.ToArray<float>().Select(v => v.ToString("0.####")))}]");
        }
        int n = options.SamplesOr(512, 128);
        var branches = Enumerable.Range(0, 4).Select(_ => new Dense(4, activation: "relu").Call(a)).ToArray();
        var merged = new Merge("concat").Call(branches);
        var trained = new Model(a, new Dense(1, activation: "sigmoid").Call(merged));
        trained.Compile(optimizer: "adam", loss: "binary_crossentropy");
        var x = Random(17, n, 3);
        var values = x.ToArray<float>();
        return Finish(Name, trained, 4 * 16 + 17, x, Labels(n, i => values[i * 3] > values[i * 3 + 2]), options, options.EpochsOr(20, 5));
    }
}
