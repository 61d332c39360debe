using System.Globalization;
using System.Text.RegularExpressions;

namespace TfFunctional.Callbacks;

/// <summary>
/// Saves the model (or its weights) at the end of epochs, to a path that may name the epoch and metrics as Keras's
/// does (<c>"model-{epoch:02d}-{val_loss:.2f}.keras"</c>); with <c>saveBestOnly</c>, only when <c>monitor</c> improves.
/// Every write goes through a temporary file, so a crash never leaves a broken file in place.
/// </summary>
public sealed partial class ModelCheckpoint : Callback
{
    private readonly bool _maximize;
    private double _best;

    /// <summary>Creates the callback (Keras defaults: val_loss, every epoch, whole model).</summary>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false,
        bool saveWeightsOnly = false, string mode = "auto")
    {
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        _maximize = MonitorMode.Maximize(monitor, mode);
        _best = _maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The path, possibly with <c>{epoch:02d}</c> and <c>{metric:.2f}</c> fields.</summary>
    public string Filepath { get; }
    /// <summary>The metric for <see cref="SaveBestOnly"/>.</summary>
    public string Monitor { get; }
    /// <summary>1 prints each save.</summary>
    public int Verbose { get; }
    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }
    /// <summary>Whether only the weights are saved.</summary>
    public bool SaveWeightsOnly { get; }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        string path = Format(Filepath, epoch + 1, logs);
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out double current))
            {
                Console.WriteLine($"Can save best model only with {Monitor} available, skipping.");
                return;
            }
            bool improved = _maximize ? current > _best : current < _best;
            if (!improved)
            {
                if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} did not improve from {_best:F5}");
                return;
            }
            if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} improved from {_best:F5} to {current:F5}, saving model to {path}");
            _best = current;
        }
        else if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {path}");
        if (SaveWeightsOnly) Model!.SaveWeights(path);
        else Model!.Save(path);
    }

    /// <summary>Fills Python-style fields: <c>{epoch:02d}</c>, <c>{val_loss:.2f}</c>, <c>{loss}</c>.</summary>
    internal static string Format(string pattern, int epoch, IReadOnlyDictionary<string, double> logs) =>
        Field().Replace(pattern, match =>
        {
            string key = match.Groups[1].Value;
            string format = match.Groups[2].Value;
            if (key == "epoch")
                return format.EndsWith('d') && int.TryParse(format.TrimEnd('d'), out int width) ? epoch.ToString($"D{width}", CultureInfo.InvariantCulture) : epoch.ToString(CultureInfo.InvariantCulture);
            if (!logs.TryGetValue(key, out double value))
                throw new KeyNotFoundException($"Failed to format this callback filepath: \"{pattern}\". Reason: '{key}' is not a logged metric ({string.Join(", ", logs.Keys)}).");
            var precision = Regex.Match(format, @"\.(\d+)f");
            return precision.Success ? value.ToString($"F{precision.Groups[1].Value}", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
        });

    [GeneratedRegex(@"\{(\w+)(?::([^}]*))?\}")]
    private static partial Regex Field();
}
