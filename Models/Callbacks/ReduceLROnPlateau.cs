namespace TfFunctional.Callbacks;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when <c>monitor</c> has not improved by <c>minDelta</c> for
/// <c>patience</c> epochs, then waits <c>cooldown</c> epochs; never below <c>minLr</c> (Keras defaults: val_loss,
/// 0.1, 10, 1e-4, 0, 0).
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _maximize;
    private double _best;
    private int _wait;
    private int _cooldownCounter;

    /// <summary>Creates the callback.</summary>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0.0)
    {
        if (factor >= 1.0) throw new ArgumentException($"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}", nameof(factor));
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Verbose = verbose;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLr = minLr;
        _maximize = MonitorMode.Maximize(monitor, mode);
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The metric watched.</summary>
    public string Monitor { get; }
    /// <summary>Multiplier of the learning rate.</summary>
    public double Factor { get; }
    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; }
    /// <summary>1 prints each reduction.</summary>
    public int Verbose { get; }
    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }
    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }
    /// <summary>Lower bound of the learning rate.</summary>
    public double MinLr { get; }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out double current))
        {
            Console.WriteLine($"Learning rate reduction is conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs.Keys)}.");
            return;
        }
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        bool improved = _maximize ? current > _best + MinDelta : current < _best - MinDelta;
        if (improved)
        {
            _best = current;
            _wait = 0;
            return;
        }
        if (_cooldownCounter > 0 || ++_wait < Patience) return;
        var optimizer = Model!.Optimizer!;
        double old = optimizer.LearningRate;
        if (old > MinLr)
        {
            optimizer.LearningRate = Math.Max(old * Factor, MinLr);
            if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {optimizer.LearningRate}.");
            _cooldownCounter = Cooldown;
            _wait = 0;
        }
    }
}
