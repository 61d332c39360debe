using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TfFunctional.Losses;

namespace TfFunctional;

/// <summary>
/// Compile's <c>loss</c>: one loss for every output (<c>"mse"</c> or a loss object), a list by output position
/// (<c>["binary_crossentropy", "mse"]</c>, <c>string[]</c>, <c>List&lt;string&gt;</c>, <c>Loss[]</c>,
/// <c>List&lt;Loss&gt;</c>) or a dictionary by output name (<c>Dictionary&lt;string, string&gt;</c>,
/// <c>Dictionary&lt;string, Loss&gt;</c>), all implicitly.
/// </summary>
[CollectionBuilder(typeof(OutputLosses), nameof(Create))]
public sealed class OutputLosses : IEnumerable<Loss?>
{
    private readonly Loss?[] _list;
    private readonly Dictionary<string, Loss?>? _byName;

    private OutputLosses(Loss?[] list, Dictionary<string, Loss?>? byName) => (_list, _byName) = (list, byName);

    /// <summary>Losses by output position.</summary>
    public static OutputLosses Create(ReadOnlySpan<Loss?> losses) => new(losses.ToArray(), null);

    /// <summary>One loss for every output.</summary>
    [return: NotNullIfNotNull(nameof(loss))]
    public static implicit operator OutputLosses?(Loss? loss) => loss is null ? null : new([loss], null) { AppliesToAll = true };

    /// <summary>One loss, by Keras name, for every output.</summary>
    [return: NotNullIfNotNull(nameof(name))]
    public static implicit operator OutputLosses?(string? name) => name is null ? null : (Loss)name;

    /// <summary>Losses by output name (an output left out has no loss).</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputLosses?(Dictionary<string, Loss>? byName) =>
        byName is null ? null : new([], byName.ToDictionary(p => p.Key, p => (Loss?)p.Value));

    /// <summary>Losses by output name, as Keras names.</summary>
    [return: NotNullIfNotNull(nameof(byName))]
    public static implicit operator OutputLosses?(Dictionary<string, string>? byName) =>
        byName is null ? null : new([], byName.ToDictionary(p => p.Key, p => (Loss?)Loss.Get(p.Value)));

    /// <summary>Losses by output position, by Keras name (<c>string[] losses = ["binary_crossentropy", "mse"]</c>).</summary>
    [return: NotNullIfNotNull(nameof(names))]
    public static implicit operator OutputLosses?(string[]? names) => names is null ? null : new(names.Select(n => (Loss?)Loss.Get(n)).ToArray(), null);

    /// <summary>Losses by output position, by Keras name, from a list.</summary>
    [return: NotNullIfNotNull(nameof(names))]
    public static implicit operator OutputLosses?(List<string>? names) => names is null ? null : names.ToArray();

    /// <summary>Loss objects by output position, from an array.</summary>
    [return: NotNullIfNotNull(nameof(losses))]
    public static implicit operator OutputLosses?(Loss?[]? losses) => losses is null ? null : new((Loss?[])losses.Clone(), null);

    /// <summary>Loss objects by output position, from a list.</summary>
    [return: NotNullIfNotNull(nameof(losses))]
    public static implicit operator OutputLosses?(List<Loss>? losses) => losses is null ? null : new(losses.ToArray<Loss?>(), null);

    private bool AppliesToAll { get; init; }

    internal Loss?[] Resolve(IReadOnlyList<string> outputNames)
    {
        if (_byName is not null)
        {
            var unknown = _byName.Keys.Except(outputNames).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException(
                    $"In the dict argument `loss`, key(s) [{string.Join(", ", unknown)}] do not correspond to any model output. Received: loss keys [{string.Join(", ", _byName.Keys)}]; outputs [{string.Join(", ", outputNames)}].");
            return outputNames.Select(n => _byName.GetValueOrDefault(n)).ToArray();
        }
        if (AppliesToAll)
            return outputNames.Select(_ => _list[0]).ToArray();   // losses hold no state: one object serves all
        if (_list.Length != outputNames.Count)
            throw new ArgumentException(
                $"When passing a list as loss, it should have one entry per model output. The model has {outputNames.Count} outputs ({string.Join(", ", outputNames)}), but you passed loss={_list.Length} entries.");
        return _list;
    }

    /// <inheritdoc />
    public IEnumerator<Loss?> GetEnumerator() => ((IEnumerable<Loss?>)_list).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
