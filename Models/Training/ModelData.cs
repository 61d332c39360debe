using System.Collections;
using System.Runtime.CompilerServices;

namespace TfFunctional;

/// <summary>
/// Inputs or targets as Keras accepts them: one array or tensor, several by position (<c>[headlines, extra]</c>), or a
/// dictionary by input/output layer name. Takes any .NET array (<c>float[,]</c>, <c>int[,]</c>, <c>float[,,]</c>, …; a
/// jagged <c>float[][]</c> is the rows of one 2-D input), a <see cref="Tensor"/> or <c>Tensor[]</c>,
/// <c>List&lt;float[,]&gt;</c>, <c>List&lt;int[,]&gt;</c>, <c>List&lt;float[,,]&gt;</c>, <c>List&lt;Array&gt;</c>, and
/// <c>Dictionary&lt;string, T&gt;</c> of <c>float[,]</c>, <c>int[,]</c>, <c>Array</c> or <c>Tensor</c>, all implicitly.
/// </summary>
[CollectionBuilder(typeof(ModelData), nameof(Create))]
public sealed class ModelData : IEnumerable<object>
{
    private ModelData(IReadOnlyList<object> items, IReadOnlyList<string>? names)
    {
        foreach (var item in items)
            if (item is not (Array or Tensor))
                throw new ArgumentException($"Data must be .NET arrays or Tensors; received {item?.GetType().Name ?? "null"}.");
        Items = items;
        Names = names;
    }

    /// <summary>The arrays or tensors, in order.</summary>
    public IReadOnlyList<object> Items { get; }

    /// <summary>The names, when given as a dictionary.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <summary>Several arrays or tensors by position (collection expressions).</summary>
    public static ModelData Create(ReadOnlySpan<object> items) => new(items.ToArray(), null);

    /// <summary>Arrays by position.</summary>
    public static ModelData From(IReadOnlyList<Array> items) => new(items.Cast<object>().ToArray(), null);

    /// <summary>Tensors by position.</summary>
    public static ModelData From(IReadOnlyList<Tensor> items) => new(items.Cast<object>().ToArray(), null);

    /// <summary>Arrays by input or output name.</summary>
    public static ModelData From(IReadOnlyDictionary<string, Array> items) =>
        new(items.Values.Cast<object>().ToArray(), items.Keys.ToArray());

    /// <summary>Tensors by input or output name.</summary>
    public static ModelData From(IReadOnlyDictionary<string, Tensor> items) =>
        new(items.Values.Cast<object>().ToArray(), items.Keys.ToArray());

    /// <summary>
    /// One array; an <c>Array[]</c> holds several arrays by position, and a jagged array of numbers
    /// (<c>float[][]</c>) is the rows of one 2-D input.
    /// </summary>
    /// <exception cref="ArgumentException">A jagged array whose rows differ in length.</exception>
    public static implicit operator ModelData(Array array) => IsJaggedRows(array) ? new([Rows(array)], null)
        : array is Array[] arrays ? From(arrays)
        : new([array], null);

    /// <summary>True for a jagged array of numbers (<c>float[][]</c>), as opposed to an <c>Array[]</c> of inputs.</summary>
    internal static bool IsJaggedRows(Array array) =>
        array.GetType().GetElementType() is { IsArray: true } row && row.GetArrayRank() == 1 && row.GetElementType()!.IsPrimitive;

    /// <summary>The rows of a jagged array as one 2-D array (.NET reads <c>float[8][]</c> as eight arrays otherwise).</summary>
    internal static Array Rows(Array jagged)
    {
        var rows = Enumerable.Range(0, jagged.Length).Select(i => (Array?)jagged.GetValue(i)
            ?? throw new ArgumentException($"Row {i} of the jagged array is null.")).ToArray();
        int width = rows.Length == 0 ? 0 : rows[0].Length;
        if (rows.FirstOrDefault(r => r.Length != width) is { } uneven)
            throw new ArgumentException(
                $"A jagged array is read as the rows of one 2-D input, so every row needs the same length: row 0 has {width} values, row {Array.IndexOf(rows, uneven)} has {uneven.Length}.");
        var elementType = jagged.GetType().GetElementType()!.GetElementType()!;
        var matrix = Array.CreateInstance(elementType, rows.Length, width);
        int size = System.Runtime.InteropServices.Marshal.SizeOf(elementType);
        for (int i = 0; i < rows.Length; i++) Buffer.BlockCopy(rows[i], 0, matrix, i * width * size, width * size);
        return matrix;
    }

    /// <summary>Float matrices by position (<c>new List&lt;float[,]&gt; { headlines, extra }</c>).</summary>
    public static implicit operator ModelData(List<float[,]> arrays) => From(arrays.Cast<Array>().ToArray());

    /// <summary>Integer matrices (token ids) by position.</summary>
    public static implicit operator ModelData(List<int[,]> arrays) => From(arrays.Cast<Array>().ToArray());

    /// <summary>Float sequences (samples, steps, features) by position.</summary>
    public static implicit operator ModelData(List<float[,,]> arrays) => From(arrays.Cast<Array>().ToArray());

    /// <summary>Float matrices by input or output name.</summary>
    public static implicit operator ModelData(Dictionary<string, float[,]> arrays) => From(arrays.ToDictionary(p => p.Key, p => (Array)p.Value));

    /// <summary>Integer matrices by input or output name.</summary>
    public static implicit operator ModelData(Dictionary<string, int[,]> arrays) => From(arrays.ToDictionary(p => p.Key, p => (Array)p.Value));

    /// <summary>One tensor.</summary>
    public static implicit operator ModelData(Tensor tensor) => new([tensor], null);

    /// <summary>Tensors by position.</summary>
    public static implicit operator ModelData(Tensor[] tensors) => From(tensors);

    /// <summary>Arrays by position.</summary>
    public static implicit operator ModelData(List<Array> arrays) => From(arrays);

    /// <summary>Arrays by name.</summary>
    public static implicit operator ModelData(Dictionary<string, Array> arrays) => From(arrays);

    /// <summary>Tensors by name.</summary>
    public static implicit operator ModelData(Dictionary<string, Tensor> tensors) => From(tensors);

    /// <inheritdoc />
    public IEnumerator<object> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Converts to tensors of <paramref name="dtypes"/>, ordered as <paramref name="expectedNames"/>; the caller disposes them.
    /// </summary>
    internal Tensor[] ToTensors(IReadOnlyList<string> expectedNames, IReadOnlyList<DType?> dtypes, string what)
    {
        IReadOnlyList<object> ordered = Items;
        if (Names is not null)
        {
            var missing = expectedNames.Except(Names).ToArray();
            var unknown = Names.Except(expectedNames).ToArray();
            if (missing.Length > 0 || unknown.Length > 0)
                throw new ArgumentException(
                    $"The {what} dictionary does not match: expected keys [{string.Join(", ", expectedNames)}]" +
                    (missing.Length > 0 ? $"; missing [{string.Join(", ", missing)}]" : "") +
                    (unknown.Length > 0 ? $"; unknown [{string.Join(", ", unknown)}]" : "") + ".");
            ordered = expectedNames.Select(n => Items[Names.ToList().IndexOf(n)]).ToArray();
        }
        else if (ordered.Count != expectedNames.Count)
            throw new ArgumentException(
                $"Expected {expectedNames.Count} {what} array(s) ({string.Join(", ", expectedNames)}), but received {ordered.Count}.");
        var tensors = new Tensor[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            var dtype = dtypes[i];
            tensors[i] = ordered[i] switch
            {
                Array array => Ops.FromArray(array, dtype ?? DTypes.FromElementType(array.GetType().GetElementType()!)),
                Tensor tensor => dtype is DType d && d != tensor.DType ? Ops.Cast(tensor, d) : Ops.Copy(tensor),
                _ => throw new ArgumentException("unreachable"),
            };
        }
        return tensors;
    }
}
