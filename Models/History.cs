using System.Collections;

namespace TfFunctional;

/// <summary>
/// What <c>Fit</c> returns: each metric's value per epoch, under Keras's names
/// (<c>history["loss"]</c>, <c>history["main_output_loss"]</c>, <c>history["val_aux_output_accuracy"]</c>).
/// </summary>
public sealed class History : IReadOnlyDictionary<string, IReadOnlyList<double>>
{
    private readonly Dictionary<string, List<double>> _values = [];
    private readonly List<int> _epochs = [];

    /// <summary>The epochs recorded (0-based), as Keras's <c>history.epoch</c>.</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    internal void Record(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (name, value) in logs)
        {
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
            list.Add(value);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var list)
        ? list
        : throw new KeyNotFoundException($"History has no entry '{key}'. Entries: {string.Join(", ", _values.Keys)}.");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<double>> Values => _values.Values;

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out IReadOnlyList<double> value)
    {
        bool found = _values.TryGetValue(key, out var list);
        value = list ?? (IReadOnlyList<double>)[];
        return found;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, IReadOnlyList<double>>> GetEnumerator() =>
        _values.Select(p => new KeyValuePair<string, IReadOnlyList<double>>(p.Key, p.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
