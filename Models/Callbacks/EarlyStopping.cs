namespace TfFunctional.Callbacks;

/// <summary>
/// Stops training when <c>monitor</c> has not improved by <c>minDelta</c> for <c>patience</c> epochs, as Keras's
/// EarlyStopping (defaults: val_loss, 0, 0, mode auto), optionally restoring the best weights.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private double _best;
    private int _wait;
    private IReadOnlyList<Array>? _bestWeights;
    private int _bestEpoch;

    /// <summary>Creates the callback.</summary>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        Monitor = monitor;
        Patience = patience;
        Verbose = verbose;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        Maximize = MonitorMode.Maximize(monitor, mode);
        MinDelta = Maximize ? Math.Abs(minDelta) : -Math.Abs(minDelta);
    }

    /// <summary>The metric watched.</summary>
    public string Monitor { get; }
    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }
    /// <summary>1 prints a message when stopping.</summary>
    public int Verbose { get; }
    /// <summary>A value the metric must beat.</summary>
    public double? Baseline { get; }
    /// <summary>Whether to restore the weights of the best epoch when stopping.</summary>
    public bool RestoreBestWeights { get; }
    /// <summary>Epochs to wait before watching.</summary>
    public int StartFromEpoch { get; }
    /// <summary>The epoch at which training stopped (0 when it did not).</summary>
    public int StoppedEpoch { get; private set; }
    private bool Maximize { get; }
    private double MinDelta { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _wait = 0;
        StoppedEpoch = 0;
        _best = Maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _bestWeights = null;
        _bestEpoch = 0;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out double current))
        {
            Console.WriteLine($"Early stopping conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs.Keys)}");
            return;
        }
        if (epoch < StartFromEpoch) return;
        if (RestoreBestWeights && _bestWeights is null) _bestWeights = Model!.GetWeights();
        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            _bestEpoch = epoch;
            if (RestoreBestWeights) _bestWeights = Model!.GetWeights();
            if (Baseline is null || IsImprovement(current, Baseline.Value)) _wait = 0;
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
            if (RestoreBestWeights && _bestWeights is not null)
            {
                if (Verbose > 0) Console.WriteLine($"Restoring model weights from the end of the best epoch: {_bestEpoch + 1}.");
                Model.SetWeights(_bestWeights);
            }
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (StoppedEpoch > 0 && Verbose > 0) Console.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
    }

    private bool IsImprovement(double value, double reference) =>
        Maximize ? value - MinDelta > reference : value - MinDelta < reference;
}
