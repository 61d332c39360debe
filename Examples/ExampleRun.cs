using System.Diagnostics;

namespace TfFunctional.Examples;

/// <summary>What every example does after building its model: check the parameter count, train, save, reload, compare.</summary>
internal static class ExampleRun
{
    public static bool Check(bool condition, string what)
    {
        Console.WriteLine($"  [{(condition ? "ok" : "FAILED")}] {what}");
        return condition;
    }

    /// <summary>Prints the summary, checks Keras's parameter count, trains, saves as .keras and .h5, reloads both and compares predictions.</summary>
    public static int Finish(string name, Model model, long kerasParameterCount, ModelData x, ModelData y, ExampleOptions options, int epochs,
        int batchSize = 32, bool plot = false)
    {
        var clock = Stopwatch.StartNew();
        model.Summary();
        bool ok = Check(model.CountParams() == kerasParameterCount, $"parameter count {model.CountParams():N0} (Keras: {kerasParameterCount:N0})");
        if (plot)
        {
            string picture = options.File($"{name}.png");
            Keras.Utils.PlotModel(model, toFile: picture, showShapes: true);
            Console.WriteLine($"  drew {picture}");
        }
        // The loss over the whole training set before and after: epoch averages of a short run move by less than
        // their batch-to-batch noise.
        double lossBefore = model.Evaluate(x, y, batchSize: batchSize)["loss"];
        model.Fit(x, y, epochs: epochs, batchSize: batchSize, verbose: options.Quick ? 0 : 1);
        double lossAfter = model.Evaluate(x, y, batchSize: batchSize)["loss"];
        ok &= Check(lossAfter < lossBefore, $"training lowered the loss: {lossBefore:F4} -> {lossAfter:F4}");
        var before = model.PredictOutputs(x.Items.Select(Slice).ToArray());
        foreach (string extension in new[] { ".keras", ".h5" })
        {
            string path = options.File(name.Replace('-', '_') + extension);
            model.Save(path);
            var after = Keras.LoadModel(path).PredictOutputs(x.Items.Select(Slice).ToArray());
            bool same = before.Zip(after).All(p => p.First.ToArray<float>().SequenceEqual(p.Second.ToArray<float>()));
            ok &= Check(same, $"saved {Path.GetFileName(path)}, reloaded: predictions identical");
            foreach (var t in after) t.Dispose();
        }
        var inputs = x.Items.Select(Slice).ToArray();
        ok &= CheckOnnx(model, inputs, before, options.File(name.Replace('-', '_') + ".onnx"));
        foreach (var t in before.Concat(inputs)) t.Dispose();
        Console.WriteLine($"{name}: {(ok ? "OK" : "FAILED")} in {clock.Elapsed.TotalSeconds:F1} s");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Exports the model to ONNX (<paramref name="path"/>) and predicts <paramref name="inputs"/> through ONNX Runtime:
    /// equal to libtorch's <paramref name="expected"/> within 1e-5 + 1e-4·|x|. A model ONNX cannot express is reported, not failed.
    /// </summary>
    public static bool CheckOnnx(Model model, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> expected, string path)
    {
        try
        {
            model.Export(path);
            model.UseOnnxRuntime();
        }
        catch (NotSupportedException e)
        {
            Console.WriteLine($"  ONNX: not exported: {e.Message}");
            return true;
        }
        var actual = model.PredictOutputs(inputs);
        model.UseLibTorch();
        double worst = 0;
        bool close = true;
        foreach (var (a, e) in actual.Zip(expected))
        {
            foreach (var (p, q) in a.ToArray<float>().Zip(e.ToArray<float>()))
            {
                worst = Math.Max(worst, Math.Abs(p - q));
                close &= Math.Abs(p - q) <= 1e-5 + 1e-4 * Math.Abs(q);
            }
        }
        foreach (var t in actual) t.Dispose();
        return Check(close, $"exported {Path.GetFileName(path)}, ONNX Runtime predicts the same (largest difference {worst:G2})");
    }

    /// <summary>The first (up to) 8 samples of an input, for comparing predictions.</summary>
    private static Tensor Slice(object data)
    {
        var tensor = data is Tensor t ? Ops.Copy(t) : Tensor.From((Array)data);
        var first = Ops.Narrow(tensor, 0, 0, Math.Min(8, tensor.Shape[0]!.Value));
        return first;
    }

    /// <summary>Uniform random floats of a shape (batch first), from a fixed seed.</summary>
    public static Tensor Random(int seed, params long[] shape)
    {
        var random = new Random(seed);
        long size = shape.Aggregate(1L, (p, d) => p * d);
        return Tensor.From(Enumerable.Range(0, (int)size).Select(_ => (float)random.NextDouble()).ToArray(), shape);
    }

    /// <summary>0/1 labels (n, 1) from a rule over sample indices.</summary>
    public static Tensor Labels(int n, Func<int, bool> rule) =>
        Tensor.From(Enumerable.Range(0, n).Select(i => rule(i) ? 1f : 0f).ToArray(), n, 1);
}
