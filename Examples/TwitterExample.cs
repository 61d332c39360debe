using System.Diagnostics;
using TfFunctional.Layers;
using static TfFunctional.Examples.ExampleRun;

namespace TfFunctional.Examples;

/// <summary>
/// The functional-API guide's headline model: will a headline get retweets? The main input is 100 word ids, the
/// auxiliary input 5 extra features; an auxiliary output reads the LSTM alone.
/// Synthetic task (learnable): each headline hides 8 "positive" words (ids 1000–1009) when its label is 1, or 8
/// "negative" words (ids 2000–2009) when it is 0, among random words; the extra features are noise.
/// </summary>
internal sealed class TwitterExample : IExample
{
    public string Name => "twitter";

    public string Description => "The guide's multi-input, multi-output model (Embedding, LSTM, auxiliary output): trains, saves, reloads.";

    public int Run(ExampleOptions options)
    {
        int samples = options.SamplesOr(full: 4000, quick: 320);
        int epochs = options.EpochsOr(full: 8, quick: 2);
        var clock = Stopwatch.StartNew();

        // --- the guide's model, line by line -------------------------------------------------------------------
        var mainInput = Keras.Input(shape: [100], dtype: "int32", name: "main_input");
        var x = new Embedding(outputDim: 512, inputDim: 10000, inputLength: 100).Call(mainInput);
        var lstmOut = new LSTM(32).Call(x);
        var auxiliaryOutput = new Dense(1, activation: "sigmoid", name: "aux_output").Call(lstmOut);
        var auxiliaryInput = Keras.Input(shape: [5], name: "aux_input");
        x = Keras.Layers.Concatenate([lstmOut, auxiliaryInput]);
        x = new Dense(64, activation: "relu").Call(x);
        x = new Dense(64, activation: "relu").Call(x);
        x = new Dense(64, activation: "relu").Call(x);
        var mainOutput = new Dense(1, activation: "sigmoid", name: "main_output").Call(x);
        var model = new Model(inputs: [mainInput, auxiliaryInput], outputs: [mainOutput, auxiliaryOutput]);
        model.Compile(optimizer: "rmsprop", loss: "binary_crossentropy", lossWeights: [1.0, 0.2], metrics: ["accuracy"]);
        model.Summary();
        Keras.Utils.PlotModel(model, toFile: options.File("twitter.png"), showShapes: true);
        bool ok = Check(model.CountParams() == 5_200_610, $"parameter count {model.CountParams():N0} (Keras: 5,200,610)");

        // --- synthetic headlines -------------------------------------------------------------------------------
        var (headlines, extra, labels) = MakeData(samples, seed: 1);
        var history = model.Fit([headlines, extra], [labels, labels], epochs: epochs, batchSize: 32, validationSplit: 0.2);
        double firstLoss = history["loss"][0], lastLoss = history["loss"][^1];
        double accuracy = history["val_main_output_accuracy"][^1];
        Console.WriteLine($"loss {firstLoss:F4} -> {lastLoss:F4}; validation accuracy of main_output {accuracy:P1}");
        ok &= Check(lastLoss < firstLoss, "training lowered the loss");
        ok &= Check(Math.Abs(history["loss"][^1] - (history["main_output_loss"][^1] + 0.2 * history["aux_output_loss"][^1])) < 1e-4,
            "loss = main_output_loss + 0.2 · aux_output_loss");
        if (!options.Quick) ok &= Check(accuracy >= 0.95, "validation accuracy ≥ 95 %");

        // --- save, reload, same predictions ---------------------------------------------------------------------
        string path = options.File("twitter.keras");
        model.Save(path);
        var reloaded = Keras.LoadModel(path);
        var (testHeadlines, testExtra, _) = MakeData(64, seed: 2);
        var before = model.PredictOutputs([testHeadlines, testExtra]);
        var after = reloaded.PredictOutputs([testHeadlines, testExtra]);
        bool identical = before.Zip(after).All(p => p.First.ToArray<float>().SequenceEqual(p.Second.ToArray<float>()));
        ok &= Check(identical, $"saved {path} ({new FileInfo(path).Length / 1048576.0:F1} MB), reloaded: predictions identical");
        using (var headlineTensor = Tensor.From(testHeadlines))
        using (var extraTensor = Tensor.From(testExtra))
            ok &= CheckOnnx(model, [headlineTensor, extraTensor], before, options.File("twitter.onnx"));
        foreach (var t in before.Concat(after)) t.Dispose();
        Console.WriteLine($"twitter: {(ok ? "OK" : "FAILED")} in {clock.Elapsed.TotalSeconds:F1} s");
        return ok ? 0 : 1;
    }

    private static (int[,] Headlines, float[,] Extra, float[,] Labels) MakeData(int samples, int seed)
    {
        var random = new Random(seed);
        var headlines = new int[samples, 100];
        var extra = new float[samples, 5];
        var labels = new float[samples, 1];
        for (int i = 0; i < samples; i++)
        {
            int label = random.Next(2);
            labels[i, 0] = label;
            for (int t = 0; t < 100; t++) headlines[i, t] = random.Next(3000, 10000);
            for (int k = 0; k < 8; k++) headlines[i, random.Next(100)] = (label == 1 ? 1000 : 2000) + random.Next(10);
            for (int f = 0; f < 5; f++) extra[i, f] = (float)random.NextDouble();
        }
        return (headlines, extra, labels);
    }
}
