namespace TfFunctional.Callbacks;

/// <summary>Sets the optimizer's learning rate at the start of each epoch from <c>schedule(epoch, current rate)</c>.</summary>
public sealed class LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0) : Callback
{
    /// <inheritdoc />
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var optimizer = Model!.Optimizer ?? throw new InvalidOperationException("LearningRateScheduler needs a compiled model.");
        double rate = schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(rate))
            throw new ArgumentException($"The output of the \"schedule\" function should be a finite float. Got: {rate}");
        optimizer.LearningRate = rate;
        if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.");
    }
}
