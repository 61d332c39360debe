using System.Collections;

namespace TfFunctional;

/// <summary>
/// An immutable tensor shape whose dimensions may be unknown (<c>null</c>, Keras's <c>None</c>).
/// Equal shapes compare equal; <see cref="ToString"/> prints a Python tuple: <c>(None, 32, 32, 3)</c>.
/// </summary>
public sealed class Shape : IEquatable<Shape>, IReadOnlyList<int?>
{
    private readonly int?[] _dims;

    /// <summary>Creates a shape from its dimensions; <c>null</c> is an unknown dimension.</summary>
    public Shape(params int?[] dims)
    {
        foreach (int? d in dims)
            if (d < 0)
                throw new ArgumentException($"Shape dimensions must be non-negative or null (None). Received: {Format(dims)}", nameof(dims));
        _dims = (int?[])dims.Clone();
    }

    /// <summary>Creates a fully known shape.</summary>
    public static Shape Of(IEnumerable<long> dims) => new(dims.Select(d => (int?)checked((int)d)).ToArray());

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims.Length;

    /// <summary>The dimension at <paramref name="index"/> (negative counts from the end), or null when unknown.</summary>
    public int? this[int index] => _dims[index < 0 ? index + _dims.Length : index];

    /// <summary>The dimension at <paramref name="index"/> (e.g. <c>^1</c> for the last).</summary>
    public int? this[Index index] => _dims[index];

    /// <summary>True when every dimension is known.</summary>
    public bool IsFullyDefined => _dims.All(d => d.HasValue);

    /// <summary>The dimensions as an array (a copy).</summary>
    public int?[] Dims => (int?[])_dims.Clone();

    /// <summary>Number of elements when fully defined.</summary>
    public long? Size => IsFullyDefined ? _dims.Aggregate(1L, (p, d) => p * d!.Value) : null;

    /// <summary>A copy with one dimension replaced.</summary>
    public Shape WithDim(Index index, int? value)
    {
        var dims = Dims;
        dims[index] = value;
        return new Shape(dims);
    }

    /// <summary>A shape with a leading batch dimension prepended.</summary>
    public Shape WithBatch(int? batch) => new([batch, .. _dims]);

    /// <summary>The shape without its leading (batch) dimension.</summary>
    public Shape WithoutBatch() => new(_dims[1..]);

    /// <summary>Dimensions <paramref name="range"/> as a new shape.</summary>
    public Shape Slice(Range range) => new(_dims[range]);

    /// <inheritdoc />
    public int Count => _dims.Length;

    /// <inheritdoc />
    public IEnumerator<int?> GetEnumerator() => ((IEnumerable<int?>)_dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int? d in _dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape? left, Shape? right) => left?.Equals(right) ?? right is null;

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape? left, Shape? right) => !(left == right);

    /// <summary>The shape as Python prints a tuple: <c>(None, 32)</c>, <c>(None,)</c>, <c>()</c>.</summary>
    public override string ToString() => Format(_dims);

    private static string Format(int?[] dims) => dims.Length == 1
        ? $"({Dim(dims[0])},)"
        : "(" + string.Join(", ", dims.Select(Dim)) + ")";

    private static string Dim(int? d) => d?.ToString() ?? "None";
}
