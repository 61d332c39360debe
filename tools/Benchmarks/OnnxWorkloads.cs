using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using TfFunctional.Export.Onnx;
using TfFunctional.Layers;
using TfFunctional.Tools.Shared;
using TorchSharp;

namespace TfFunctional.Benchmarks;

/// <summary>
/// Four ways to run the same model, timed interleaved in one run: our Predict on libtorch, our Predict on ONNX Runtime
/// (UseOnnxRuntime), the same engine through a bound predictor (CreateBoundPredictor: buffers bound once), and ONNX
/// Runtime called directly on the same export with its buffers bound once. Models: the guide
/// MLP (784-64-64-10), the guide's Twitter model and a small CNN; at 1 and 2 threads; idle, and with a second process
/// keeping one core busy (a shared machine).
/// </summary>
internal static class OnnxWorkloads
{
    private sealed record Case(string Name, Func<Model> Build, int[] Batches);

    private static readonly Case[] Cases =
    [
        new("guide MLP", Mlp, [1, 32, 128]),
        new("Twitter", GuideModels.Twitter, [1, 32]),
        new("CNN 28×28", Cnn, [1, 32]),
    ];

    public static void Run(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("| model | load | threads | batch | libtorch Predict ms | UseOnnxRuntime Predict ms | bound predictor ms | ONNX Runtime direct ms | " +
                          "Predict / direct | bound / direct | libtorch / direct |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        int saved = torch.get_num_threads();
        foreach (bool contended in new[] { false, true })
        {
            using var busy = contended ? Contention.BusyCore() : null;
            foreach (var c in Cases)
            foreach (int threads in new[] { 1, 2 })
            {
                torch.set_num_threads(threads);
                foreach (int batch in c.Batches) Row(c, threads, batch, contended, quick);
            }
        }
        torch.set_num_threads(saved);
    }

    /// <summary>A second process spinning on one core until disposed (disposing kills it: a Process object alone would leave it running).</summary>
    private static Model Mlp()
    {
        Keras.ClearSession();
        var inputs = Keras.Input(shape: [784]);
        var x = new Dense(64, activation: "relu").Call(inputs);
        x = new Dense(64, activation: "relu").Call(x);
        return new Model(inputs, new Dense(10, activation: "softmax").Call(x));
    }

    private static Model Cnn()
    {
        Keras.ClearSession();
        var inputs = Keras.Input(shape: [28, 28, 1]);
        var x = new Conv2D(32, 3, activation: "relu").Call(inputs);
        x = new MaxPooling2D(2).Call(x);
        x = new Conv2D(64, 3, activation: "relu").Call(x);
        x = new GlobalAveragePooling2D().Call(x);
        return new Model(inputs, new Dense(10, activation: "softmax").Call(x));
    }

    private static void Row(Case c, int threads, int batch, bool contended, bool quick)
    {
        using var libtorch = c.Build();
        using var engine = Keras.ModelFromJson(libtorch.ToJson());
        engine.SetWeights(libtorch.GetWeights());
        engine.UseOnnxRuntime(threads);

        var random = new Random(1);
        var data = libtorch.Inputs.Select(i =>
        {
            long[] shape = [batch, .. i.Shape.Dims[1..].Select(d => (long)d!.Value)];
            int size = (int)shape.Aggregate(1L, (p, d) => p * d);
            return i.DType == DType.Int32
                ? Tensor.From(Enumerable.Range(0, size).Select(_ => random.Next(1000)).ToArray(), shape)
                : Tensor.From(Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray(), shape);
        }).ToArray();

        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(OnnxExport.ToBytes(libtorch), options);
        using var binding = session.CreateIoBinding();
        var bound = new List<IDisposable>();
        for (int i = 0; i < data.Length; i++)
        {
            long[] shape = data[i].Shape.Select(d => (long)d!.Value).ToArray();
            var value = data[i].DType == DType.Int32
                ? OrtValue.CreateTensorValueFromMemory(data[i].ToArray<int>(), shape)
                : OrtValue.CreateTensorValueFromMemory(data[i].ToArray<float>(), shape);
            bound.Add(value);
            binding.BindInput(session.InputNames[i], value);
        }
        var outputBuffers = new List<float[]>();
        for (int i = 0; i < libtorch.Outputs.Count; i++)
        {
            long[] shape = [batch, .. libtorch.Outputs[i].Shape.Dims[1..].Select(d => (long)d!.Value)];
            var buffer = new float[shape.Aggregate(1L, (p, d) => p * d)];
            var value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
            bound.Add(value);
            outputBuffers.Add(buffer);
            binding.BindOutput(session.OutputNames[i], value);
        }
        using var runOptions = new RunOptions();
        using var predictor = engine.CreateBoundPredictor(batch);
        for (int i = 0; i < data.Length; i++)
            if (data[i].DType == DType.Int32) predictor.SetInput(i, data[i].ToArray<int>());
            else predictor.SetInput(i, data[i].ToArray<float>());
        try
        {
            var a = libtorch.PredictOutputs(data);
            var b = engine.PredictOutputs(data);
            session.RunWithBinding(runOptions, binding);
            double difference = 0;
            for (int i = 0; i < a.Count; i++)
            {
                var expected = a[i].ToArray<float>();
                difference = Math.Max(difference, expected.Zip(b[i].ToArray<float>(), (p, q) => Math.Abs(p - q)).Max());
                difference = Math.Max(difference, expected.Zip(outputBuffers[i], (p, q) => Math.Abs(p - q)).Max());
            }
            predictor.Run();
            for (int i = 0; i < a.Count; i++)
                difference = Math.Max(difference, a[i].ToArray<float>().Zip(predictor.Output<float>(i).ToArray(), (p, q) => Math.Abs(p - q)).Max());
            foreach (var t in a.Concat(b)) t.Dispose();
            if (difference > 1e-4) throw new InvalidOperationException($"{c.Name}: engines differ by {difference}");

            // Cheap calls get more repetitions; a call's cost sets the count (about 0.25 s per engine in quick mode).
            var probe = Stopwatch.StartNew();
            foreach (var t in libtorch.PredictOutputs(data)) t.Dispose();
            double callMs = Math.Max(probe.Elapsed.TotalMilliseconds, 0.005);
            int inner = callMs < 0.05 ? 20 : callMs < 0.5 ? 4 : 1;
            int repetitions = Math.Clamp((int)((quick ? 250 : 1000) / (callMs * inner)), 30, 3000);
            Action direct = () => session.RunWithBinding(runOptions, binding);
            var (ours, direct1) = Timing.Interleaved("engine", () => { foreach (var t in engine.PredictOutputs(data, batchSize: batch)) t.Dispose(); },
                "direct", direct, repetitions, warmup: 20, inner: inner);
            var (torchTime, direct2) = Timing.Interleaved("libtorch", () => { foreach (var t in libtorch.PredictOutputs(data, batchSize: batch)) t.Dispose(); },
                "direct", direct, repetitions, warmup: 20, inner: inner);
            var (boundRun, direct3) = Timing.Interleaved("bound", predictor.Run, "direct", direct, repetitions, warmup: 20, inner: inner);
            double directMs = (direct1.MedianMs + direct2.MedianMs + direct3.MedianMs) / 3;
            Console.WriteLine($"| {c.Name} | {(contended ? "one core busy" : "idle")} | {threads} | {batch} | {torchTime.MedianMs:F4} | {ours.MedianMs:F4} | " +
                              $"{boundRun.MedianMs:F4} | {directMs:F4} | {ours.MedianMs / direct1.MedianMs:F3} | {boundRun.MedianMs / direct3.MedianMs:F3} | " +
                              $"{torchTime.MedianMs / direct2.MedianMs:F3} |");
        }
        finally
        {
            foreach (var value in bound) value.Dispose();
            foreach (var t in data) t.Dispose();
        }
    }
}
