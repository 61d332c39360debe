using System.Collections;
using System.Runtime.CompilerServices;

namespace TfFunctional;

/// <summary>An argument that Keras takes as one int or a tuple: <c>kernelSize: 3</c>, <c>kernelSize: (3, 5)</c> or <c>kernelSize: [3, 5]</c>.</summary>
[CollectionBuilder(typeof(IntOrTuple), nameof(Create))]
public readonly record struct IntOrTuple(int[] Values) : IEnumerable<int>
{
    /// <summary>One value per axis (collection expressions).</summary>
    public static IntOrTuple Create(ReadOnlySpan<int> values) => new(values.ToArray());

    /// <inheritdoc />
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(Values ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One value for every axis.</summary>
    public static implicit operator IntOrTuple(int value) => new([value]);

    /// <summary>One value per axis.</summary>
    public static implicit operator IntOrTuple(int[] values) => new(values);

    /// <summary>A Python pair as written: <c>kernelSize: (3, 3)</c>, <c>strides: (2, 1)</c>.</summary>
    public static implicit operator IntOrTuple((int, int) values) => new([values.Item1, values.Item2]);

    /// <summary>A Python triple as written: <c>poolSize: (2, 2, 2)</c>.</summary>
    public static implicit operator IntOrTuple((int, int, int) values) => new([values.Item1, values.Item2, values.Item3]);

    /// <summary>A Python 4-tuple as written: <c>new Reshape((4, 7, 7, 64))</c>.</summary>
    public static implicit operator IntOrTuple((int, int, int, int) values) => new([values.Item1, values.Item2, values.Item3, values.Item4]);

    /// <summary>The value for each of <paramref name="rank"/> axes.</summary>
    /// <exception cref="ArgumentException">A tuple of another length, or a value below 1.</exception>
    public int[] Expand(int rank, string argument, int minimum = 1)
    {
        var values = Values ?? throw new ArgumentException($"The `{argument}` argument is required.");
        var expanded = values.Length == 1 ? Enumerable.Repeat(values[0], rank).ToArray() : values;
        if (expanded.Length != rank)
            throw new ArgumentException($"The `{argument}` argument must be a tuple of {rank} integers. Received {argument}=({string.Join(", ", values)}), including {values.Length} element(s).", argument);
        if (expanded.Any(v => v < minimum))
            throw new ArgumentException($"The `{argument}` argument must be a tuple of {rank} integers ≥ {minimum}. Received {argument}=({string.Join(", ", values)}).", argument);
        return expanded;
    }
}
