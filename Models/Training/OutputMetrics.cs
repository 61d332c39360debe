using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TfFunctional.Metrics;

namespace TfFunctional;

/// <summary>
/// Compile's <c>metrics</c>: a list applied to every output (<c>["accuracy"]</c>, names or metric objects;
/// <c>string[]</c>, <c>List&lt;string&gt;</c>), or a dictionary from output name to its metrics
/// (<c>Dictionary&lt;string, string&gt;</c>, <c>&lt;string, string[]&gt;</c>, <c>&lt;string, List&lt;string&gt;&gt;</c>,
/// <c>&lt;string, MetricSpec[]&gt;</c>), implicitly. Each output gets its own metric objects.
/// </summary>
[CollectionBuilder(typeof(OutputMetrics), nameof(Create))]
public sealed class OutputMetrics : IEnumerable<MetricSpec>
{
    private readonly MetricSpec[] _all;
    private readonly Dictionary<string, MetricSpec[]>? _byName;

    // Unknown names fail at Compile: MetricSpec checks each name when it is made.
    private OutputMetrics(MetricSpec[] all, Dictionary<string, MetricSpec[]>? byName) => (_all, _byName) = (all, byName);

    /// <summary>Metrics (names or objects) for every output.</summary>
    public static OutputMetrics Create(ReadOnlySpan<MetricSpec> metrics) => new(metrics.ToArray(), null);

    /// <summary>Metric names by output name.</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputMetrics?(Dictionary<string, string[]>? byName) =>
        byName is null ? null : new([], byName.ToDictionary(p => p.Key, p => p.Value.Select(n => (MetricSpec)n).ToArray()));

    /// <summary>One metric name per output, by output name.</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputMetrics?(Dictionary<string, string>? byName) =>
        byName is null ? null : new([], byName.ToDictionary(p => p.Key, p => new[] { (MetricSpec)p.Value }));

    /// <summary>Metrics (names or objects) by output name.</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputMetrics?(Dictionary<string, MetricSpec[]>? byName) => byName is null ? null : new([], byName);

    /// <summary>Metric names for every output, from an array (<c>string[] names = ["accuracy"]</c>).</summary>
    [return: NotNullIfNotNull(nameof(names))]
    public static implicit operator OutputMetrics?(string[]? names) => names is null ? null : new(names.Select(n => (MetricSpec)n).ToArray(), null);

    /// <summary>Metric names for every output, from a list.</summary>
    [return: NotNullIfNotNull(nameof(names))]
    public static implicit operator OutputMetrics?(List<string>? names) => names is null ? null : names.ToArray();

    /// <summary>Metric names by output name, lists as values.</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputMetrics?(Dictionary<string, List<string>>? byName) =>
        byName is null ? null : new([], byName.ToDictionary(p => p.Key, p => p.Value.Select(n => (MetricSpec)n).ToArray()));

    internal Metric[][] Resolve(IReadOnlyList<string> outputNames)
    {
        if (_byName is not null)
        {
            var unknown = _byName.Keys.Except(outputNames).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException(
                    $"In the dict argument `metrics`, key(s) [{string.Join(", ", unknown)}] do not correspond to any model output; outputs are [{string.Join(", ", outputNames)}].");
            return outputNames.Select(n => _byName.GetValueOrDefault(n, []).Select(m => m.Create(shared: false)).ToArray()).ToArray();
        }
        return outputNames.Select(_ => _all.Select(m => m.Create(shared: outputNames.Count > 1)).ToArray()).ToArray();
    }

    /// <inheritdoc />
    public IEnumerator<MetricSpec> GetEnumerator() => ((IEnumerable<MetricSpec>)_all).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
