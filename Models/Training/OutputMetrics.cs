using System.Collections;
using System.Runtime.CompilerServices;
using TfFunctional.Metrics;

namespace TfFunctional;

/// <summary>
/// Compile's <c>metrics</c>: a list of names applied to every output (<c>["accuracy"]</c>), or a dictionary from output
/// name to its list of names. Each output gets its own metric objects.
/// </summary>
[CollectionBuilder(typeof(OutputMetrics), nameof(Create))]
public sealed class OutputMetrics : IEnumerable<string>
{
    private readonly string[] _all;
    private readonly Dictionary<string, string[]>? _byName;

    private OutputMetrics(string[] all, Dictionary<string, string[]>? byName)
    {
        foreach (var name in all.Concat(byName?.Values.SelectMany(v => v) ?? [])) Metric.Get(name);   // unknown names fail at Compile
        (_all, _byName) = (all, byName);
    }

    /// <summary>Metric names for every output.</summary>
    public static OutputMetrics Create(ReadOnlySpan<string> names) => new(names.ToArray(), null);

    /// <summary>Metric names by output name.</summary>
    public static implicit operator OutputMetrics(Dictionary<string, string[]> byName) => new([], byName);

    /// <summary>One metric name per output, by output name.</summary>
    public static implicit operator OutputMetrics(Dictionary<string, string> byName) =>
        new([], byName.ToDictionary(p => p.Key, p => new[] { p.Value }));

    internal Metric[][] Resolve(IReadOnlyList<string> outputNames)
    {
        if (_byName is not null)
        {
            var unknown = _byName.Keys.Except(outputNames).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException(
                    $"In the dict argument `metrics`, key(s) [{string.Join(", ", unknown)}] do not correspond to any model output; outputs are [{string.Join(", ", outputNames)}].");
            return outputNames.Select(n => _byName.GetValueOrDefault(n, []).Select(Metric.Get).ToArray()).ToArray();
        }
        return outputNames.Select(_ => _all.Select(Metric.Get).ToArray()).ToArray();
    }

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_all).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
