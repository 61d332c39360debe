using TfFunctional.Layers;

namespace TfFunctional.Benchmarks;

/// <summary>
/// The memory <c>UseOnnxRuntime</c> costs beside the model's own weights: the peak while the session is made and what
/// stays once freed memory is returned, for a model whose one big weight ONNX Runtime reads as kept (an Embedding's
/// table: shared with the variable) and one whose big weight it prepacks (Dense: its own packed copy). Each model in a
/// fresh child process.
/// </summary>
internal static class OnnxMemory
{
    private const string CaseVariable = "TFFUNCTIONAL_ONNXMEMORY_CASE";

    public static void Run(bool quick, bool child)
    {
        int rows = quick ? 4096 : 8192;   // rows × 8192 float32 values: 128 or 256 MB
        if (child)
        {
            Measure(Environment.GetEnvironmentVariable(CaseVariable)!, rows);
            return;
        }
        double weightsMb = rows * 8192L * 4 / 1048576.0;
        Console.WriteLine($"\nMemory UseOnnxRuntime adds to a model holding {weightsMb:F0} MB in one weight (one fresh process per model):");
        Console.WriteLine("| model | peak gain MB | peak / weight | stays MB | stays / weight |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (string name in new[] { "Embedding", "Dense" })
        {
            var figures = ChildMeasurement.Run("onnxmemory", CaseVariable, name, quick);
            double peak = figures[0], stays = figures[1];
            Console.WriteLine($"| {name} | {peak:F0} | {peak / weightsMb:F2} | {stays:F0} | {stays / weightsMb:F2} |");
        }
    }

    private static void Measure(string name, int rows)
    {
        var input = Keras.Input(shape: [16], dtype: name == "Embedding" ? "int32" : "float32");
        using var model = name == "Embedding"
            ? new Model(input, new Embedding(rows, 8192).Call(input))
            : new Model(input, new Dense(8192, useBias: false).Call(new Dense(rows).Call(input)));
        ProcessStatus.Settle();
        double before = ProcessStatus.Mb("VmRSS");
        ProcessStatus.ResetPeak();
        model.UseOnnxRuntime();
        double peak = ProcessStatus.Mb("VmHWM") - before;
        using (model.Predict(name == "Embedding" ? new int[1, 16] : new float[1, 16])) { }
        ProcessStatus.Settle();
        ChildMeasurement.Report(peak, ProcessStatus.Mb("VmRSS") - before);
    }
}
