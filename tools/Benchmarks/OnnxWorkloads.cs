using Microsoft.ML.OnnxRuntime;
using TfFunctional.Layers;
using TfFunctional.Export.Onnx;
using TorchSharp;

namespace TfFunctional.Benchmarks;

/// <summary>
/// The guide MLP (784-64-64-10) through three engines, timed interleaved in one run: our Predict on libtorch, our Predict
/// on ONNX Runtime (UseOnnxRuntime), and ONNX Runtime called directly on the same export with its buffers bound once.
/// </summary>
internal static class OnnxWorkloads
{
    public static void Mlp(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("| threads | batch | libtorch Predict ms | ONNX Runtime engine ms | ONNX Runtime direct ms | engine / direct | libtorch / direct |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        int saved = torch.get_num_threads();
        foreach (int threads in new[] { 1, 2 })
        {
            torch.set_num_threads(threads);
            foreach (int batch in new[] { 1, 32, 128 })
                Row(threads, batch, quick);
        }
        torch.set_num_threads(saved);
    }

    private static void Row(int threads, int batch, bool quick)
    {
        Keras.ClearSession();
        var inputs = Keras.Input(shape: [784]);
        var x = new Dense(64, activation: "relu").Call(inputs);
        x = new Dense(64, activation: "relu").Call(x);
        using var libtorch = new Model(inputs, new Dense(10, activation: "softmax").Call(x));
        using var engine = Keras.ModelFromJson(libtorch.ToJson());
        engine.SetWeights(libtorch.GetWeights());
        engine.UseOnnxRuntime(threads);

        var random = new Random(1);
        var values = Enumerable.Range(0, batch * 784).Select(_ => (float)random.NextDouble()).ToArray();
        using var data = Tensor.From(values, batch, 784);

        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(OnnxExport.ToBytes(libtorch), options);
        using var input = OrtValue.CreateTensorValueFromMemory(values, [batch, 784]);
        var outputBuffer = new float[batch * 10];
        using var output = OrtValue.CreateTensorValueFromMemory(outputBuffer, [batch, 10]);
        using var binding = session.CreateIoBinding();
        binding.BindInput(session.InputNames[0], input);
        binding.BindOutput(session.OutputNames[0], output);
        using var runOptions = new RunOptions();

        using (var a = libtorch.Predict(data))
        using (var b = engine.Predict(data))
        {
            session.RunWithBinding(runOptions, binding);
            double difference = a.ToArray<float>().Zip(b.ToArray<float>(), (p, q) => Math.Abs(p - q)).Concat(a.ToArray<float>().Zip(outputBuffer, (p, q) => Math.Abs(p - q))).Max();
            if (difference > 1e-5) throw new InvalidOperationException($"engines differ by {difference}");
        }
        int repetitions = (batch == 1 ? 3000 : 1000) / (quick ? 4 : 1);
        int inner = batch == 1 ? 20 : 4;
        Action direct = () => session.RunWithBinding(runOptions, binding);
        var (ours, direct1) = Timing.Interleaved("engine", () => { using var y = engine.Predict(data, batchSize: batch); }, "direct", direct, repetitions, inner: inner);
        var (torchTime, direct2) = Timing.Interleaved("libtorch", () => { using var y = libtorch.Predict(data, batchSize: batch); }, "direct", direct, repetitions, inner: inner);
        double directMs = (direct1.MedianMs + direct2.MedianMs) / 2;
        Console.WriteLine($"| {threads} | {batch} | {torchTime.MedianMs:F4} | {ours.MedianMs:F4} | {directMs:F4} | {ours.MedianMs / direct1.MedianMs:F3} | {torchTime.MedianMs / direct2.MedianMs:F3} |");
    }
}
