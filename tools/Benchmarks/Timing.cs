using System.Diagnostics;

namespace TfFunctional.Benchmarks;

/// <summary>Interleaved A/B timing: warm-up, then alternating repetitions so machine noise hits both alike.</summary>
internal static class Timing
{
    public sealed record Result(string Name, double MedianMs, double P90Ms);

    public static (Result A, Result B) Interleaved(string nameA, Action a, string nameB, Action b, int repetitions, int warmup = 200, int inner = 1)
    {
        for (int i = 0; i < warmup; i++) { a(); b(); }
        var timesA = new double[repetitions];
        var timesB = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            if (i % 2 == 0)
            {
                timesA[i] = Time(a, inner);
                timesB[i] = Time(b, inner);
            }
            else
            {
                timesB[i] = Time(b, inner);
                timesA[i] = Time(a, inner);
            }
        }
        return (Summarize(nameA, timesA), Summarize(nameB, timesB));
    }

    public static Result Single(string name, Action action, int repetitions, int warmup = 50, int inner = 1)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[repetitions];
        for (int i = 0; i < repetitions; i++) times[i] = Time(action, inner);
        return Summarize(name, times);
    }

    private static double Time(Action action, int inner)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < inner; i++) action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / inner;
    }

    private static Result Summarize(string name, double[] times)
    {
        var sorted = times.Order().ToArray();
        return new Result(name, sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(sorted.Length * 0.9) - 1]);
    }
}
