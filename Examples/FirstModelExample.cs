using TfFunctional.Layers;

namespace TfFunctional.Examples;

/// <summary>
/// The guide's first model: a densely connected network on 784 features, trained on synthetic "digits" (class k
/// lights up features [78k, 78k + 78)), then called as a layer on a new input, reusing its weights.
/// </summary>
internal sealed class FirstModelExample : IExample
{
    public string Name => "first-model";

    public string Description => "784-64-64-10 Dense network; trains, calls the model as a layer, saves and reloads.";

    public int Run(ExampleOptions options)
    {
        int samples = options.SamplesOr(full: 2000, quick: 400);
        int epochs = options.EpochsOr(full: 5, quick: 2);

        // This returns a tensor
        var inputs = Keras.Input(shape: [784]);
        // a layer instance is callable on a tensor, and returns a tensor
        var x = new Dense(64, activation: "relu").Call(inputs);
        x = new Dense(64, activation: "relu").Call(x);
        var predictions = new Dense(10, activation: "softmax").Call(x);
        // This creates a model that includes the Input layer and three Dense layers
        var model = new Model(inputs: inputs, outputs: predictions);
        model.Compile(optimizer: "rmsprop", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        model.Summary();
        bool ok = ExampleRun.Check(model.CountParams() == 55_050, $"parameter count {model.CountParams():N0} (Keras: 55,050)");

        var (data, labels) = MakeData(samples, seed: 3);
        var history = model.Fit(data, labels, epochs: epochs, batchSize: 32);  // starts training
        ok &= ExampleRun.Check(history["loss"][^1] < history["loss"][0], "training lowered the loss");

        // All models are callable, just like layers
        var newInput = Keras.Input(shape: [784]);
        var y = model.Call(newInput);
        var outer = new Model(newInput, y);
        using var direct = model.Predict(data);
        using var called = outer.Predict(data);
        ok &= ExampleRun.Check(direct.ToArray<float>().SequenceEqual(called.ToArray<float>()), "the model called as a layer reuses its weights");

        string path = options.File("first_model.h5");
        model.Save(path);
        using var reloaded = Keras.LoadModel(path).Predict(data);
        ok &= ExampleRun.Check(reloaded.ToArray<float>().SequenceEqual(direct.ToArray<float>()), $"saved {path}, reloaded: predictions identical");
        using (var dataTensor = Tensor.From(data))
            ok &= ExampleRun.CheckOnnx(outer, [dataTensor], [called], options.File("first_model.onnx"));
        Console.WriteLine($"first-model: {(ok ? "OK" : "FAILED")}");
        return ok ? 0 : 1;
    }

    private static (float[,] Data, float[,] Labels) MakeData(int samples, int seed)
    {
        var random = new Random(seed);
        var data = new float[samples, 784];
        var labels = new float[samples, 10];
        for (int i = 0; i < samples; i++)
        {
            int digit = random.Next(10);
            labels[i, digit] = 1;
            for (int j = 0; j < 784; j++)
                data[i, j] = (float)(random.NextDouble() * 0.5 + (j / 78 == digit ? 0.5 : 0));
        }
        return (data, labels);
    }
}
