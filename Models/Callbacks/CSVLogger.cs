using System.Globalization;

namespace TfFunctional.Callbacks;

/// <summary>Writes one CSV row per epoch: <c>epoch</c> then every metric, header first (Keras default separator ",").</summary>
public sealed class CSVLogger(string filename, string separator = ",", bool append = false) : Callback
{
    private string[]? _keys;

    /// <inheritdoc />
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _keys = null;
        if (!append && File.Exists(filename)) File.Delete(filename);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        bool header = _keys is null && (!append || !File.Exists(filename) || new FileInfo(filename).Length == 0);
        _keys ??= logs.Keys.Order(StringComparer.Ordinal).ToArray();
        using var writer = new StreamWriter(filename, append: true);
        if (header) writer.WriteLine(string.Join(separator, ["epoch", .. _keys]));
        writer.WriteLine(string.Join(separator, [epoch.ToString(CultureInfo.InvariantCulture),
            .. _keys.Select(k => logs.TryGetValue(k, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA")]));
    }
}
