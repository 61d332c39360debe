using System.Diagnostics;

namespace TfFunctional.Tests.Saving;

/// <summary>Loads a (possibly hostile) file on a worker thread within a time limit, for the mutation suites.</summary>
internal static class LoadAttempt
{
    /// <summary>The exception loading threw (null when it loaded) and how long it took; fails the test past <paramref name="limit"/>.</summary>
    public static (Exception? Error, TimeSpan Elapsed) Run(string path, bool compile, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        var attempt = Task.Run(() =>
        {
            try
            {
                Keras.LoadModel(path, compile).Dispose();
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        Assert.That(attempt.Wait(limit), Is.True, $"{what} did not finish within {limit.TotalSeconds:F0} s");
        return (attempt.Result, clock.Elapsed);
    }
}
