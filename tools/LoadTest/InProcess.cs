using System.Diagnostics;
namespace TfFunctional.LoadTest;

/// <summary>The yardstick: the same model file called with <c>Predict</c> in this process, no HTTP.</summary>
internal static class InProcess
{
    public static double RowsPerSecond(string modelPath, int batch, TimeSpan duration)
    {
        var model = Keras.LoadModel(modelPath);
        var random = new Random(3);
        var tokens = new int[batch, 100];
        var extra = new float[batch, 5];
        for (int r = 0; r < batch; r++)
        {
            for (int c = 0; c < 100; c++) tokens[r, c] = random.Next(10000);
            for (int c = 0; c < 5; c++) extra[r, c] = (float)(random.NextDouble() * 2 - 1);
        }
        for (int i = 0; i < 20; i++) Call(model, tokens, extra);
        long rows = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Call(model, tokens, extra);
            rows += batch;
        }
        return rows / clock.Elapsed.TotalSeconds;
    }

    // As the server does per batch: build input tensors from arrays, predict, read the outputs back.
    private static void Call(Model model, int[,] tokens, float[,] extra)
    {
        using var scope = Ops.NewScope();
        var outputs = model.PredictOutputs([tokens, extra]);
        foreach (var output in outputs) output.ToArray<float>();
    }
}
