using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TfFunctional;

/// <summary>
/// Compile's <c>lossWeights</c>: a list by output position (<c>[1.0, 0.2]</c>, <c>double[]</c>, <c>List&lt;double&gt;</c>;
/// <see cref="From(IEnumerable{double})"/> for any other sequence) or a dictionary by output name (<c>Dictionary&lt;string, double&gt;</c>; <see cref="From(IReadOnlyDictionary{string, double})"/> for any other), implicitly.
/// </summary>
[CollectionBuilder(typeof(OutputLossWeights), nameof(Create))]
public sealed class OutputLossWeights : IEnumerable<double>
{
    private readonly double[] _list;
    private readonly Dictionary<string, double>? _byName;

    private OutputLossWeights(double[] list, Dictionary<string, double>? byName) => (_list, _byName) = (list, byName);

    /// <summary>Weights by output position.</summary>
    public static OutputLossWeights Create(ReadOnlySpan<double> weights) => new(weights.ToArray(), null);

    /// <summary>Weights by output name (missing outputs weigh 1).</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputLossWeights?(Dictionary<string, double>? byName) => byName is null ? null : new([], byName);

    /// <summary>Weights by output position, from an array (<c>double[] weights = [1.0, 0.2]</c>).</summary>
    [return: NotNullIfNotNull(nameof(weights))]
    public static implicit operator OutputLossWeights?(double[]? weights) => weights is null ? null : new((double[])weights.Clone(), null);

    /// <summary>Weights by output position, from a list.</summary>
    [return: NotNullIfNotNull(nameof(weights))]
    public static implicit operator OutputLossWeights?(List<double>? weights) => weights is null ? null : new(weights.ToArray(), null);

    /// <summary>Weights by output position from any sequence (<c>OutputLossWeights.From(query)</c>).</summary>
    public static OutputLossWeights From(IEnumerable<double> weights) => new(weights.ToArray(), null);

    /// <summary>Weights by output name from any read-only dictionary.</summary>
    public static OutputLossWeights From(IReadOnlyDictionary<string, double> byName) => new([], byName.ToDictionary(p => p.Key, p => p.Value));

    internal double[] Resolve(IReadOnlyList<string> outputNames)
    {
        if (_byName is not null)
        {
            var unknown = _byName.Keys.Except(outputNames).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException(
                    $"In the dict argument `loss_weights`, key(s) [{string.Join(", ", unknown)}] do not correspond to any model output; outputs are [{string.Join(", ", outputNames)}].");
            return outputNames.Select(n => _byName.GetValueOrDefault(n, 1.0)).ToArray();
        }
        if (_list.Length != outputNames.Count)
            throw new ArgumentException(
                $"When passing a list as loss_weights, it should have one entry per model output. The model has {outputNames.Count} outputs, but you passed loss_weights={_list.Length} entries.");
        return _list;
    }

    /// <inheritdoc />
    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)_list).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
