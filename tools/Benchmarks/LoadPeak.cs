using System.Diagnostics;
using TfFunctional.Layers;

namespace TfFunctional.Benchmarks;

/// <summary>
/// The memory loading a model costs: the peak resident memory a fresh process gains while <c>Keras.LoadModel</c> reads a
/// file, against the size of the weights it holds (target: near 1×: the values go from the file into the variables
/// without a copy of the model on the way). Each file loads in its own child process, whose peak is reset first.
/// </summary>
internal static class LoadPeak
{
    private const string FileVariable = "TFFUNCTIONAL_LOADPEAK_FILE";

    public static void Run(bool quick, bool child)
    {
        if (child)
        {
            Measure(Environment.GetEnvironmentVariable(FileVariable)!);
            return;
        }
        // A kernel large enough to be kept transposed (Dense's runtime layout) and one kept in Keras layout.
        int width = quick ? 4096 : 8192;
        Keras.ClearSession();
        var input = Keras.Input(shape: [width]);
        var wide = new Dense(8192, name: "wide").Call(input);
        using var model = new Model(input, new Dense(16, name: "narrow").Call(wide));
        double weightsMb = model.CountParams() * 4 / 1048576.0;
        string folder = Path.Combine(Path.GetTempPath(), $"tffunctional-loadpeak-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"\nPeak memory while loading a model of {weightsMb:F0} MB of weights (one fresh process per file):");
            Console.WriteLine("| file | load ms | peak gain MB | peak gain / weights |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (string name in new[] { "model.keras", "model.h5", "model.json" })
            {
                string path = Path.Combine(folder, name);
                model.Save(path);
                var figures = ChildMeasurement.Run("loadpeak", FileVariable, path, quick: false);
                double milliseconds = figures[0], gainMb = figures[1];
                Console.WriteLine($"| {name} | {milliseconds:F0} | {gainMb:F0} | {gainMb / weightsMb:F2} |");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Measure(string path)
    {
        // Warm the runtime (libtorch, the JIT) on a tiny model, then reset the peak to the current resident memory.
        var tiny = Keras.Input(shape: [2]);
        using (var warm = new Model(tiny, new Dense(1).Call(tiny))) warm.Predict(new float[,] { { 1, 2 } }).Dispose();
        GC.Collect();
        ProcessStatus.ResetPeak();
        double before = ProcessStatus.Mb("VmRSS");
        var clock = Stopwatch.StartNew();
        using var model = Keras.LoadModel(path);
        clock.Stop();
        ChildMeasurement.Report(clock.Elapsed.TotalMilliseconds, ProcessStatus.Mb("VmHWM") - before);
    }
}
