using System.Collections;
using System.Runtime.CompilerServices;

namespace TfFunctional;

/// <summary>
/// A shape argument as Keras takes it, without the batch dimension (<c>Keras.Input(shape: ...)</c>, a layer's
/// <c>inputShape:</c>): a Python tuple as written (<c>(28, 28, 1)</c>, <c>(null, 8)</c> for <c>(None, 8)</c>), a
/// collection expression (<c>[784]</c>: C# has no one-tuple), or the array or list code holds (<c>int[]</c>,
/// <c>int?[]</c>, <c>List&lt;int&gt;</c>, <c>List&lt;int?&gt;</c>). A null dimension is unknown (<c>None</c>).
/// </summary>
[CollectionBuilder(typeof(ShapeArgument), nameof(Create))]
public readonly struct ShapeArgument : IEnumerable<int?>
{
    private readonly int?[]? dimensions;

    /// <summary>The shape of <paramref name="dimensions"/> (null for an unknown dimension).</summary>
    public ShapeArgument(IEnumerable<int?> dimensions) => this.dimensions = dimensions.ToArray();

    /// <summary>The dimensions, null where unknown.</summary>
    /// <exception cref="ArgumentException">The argument was left as <c>default</c>.</exception>
    public int?[] Dimensions => dimensions ?? throw new ArgumentException("A shape is required: pass it as a tuple, (28, 28, 1), or a list, [784].");

    /// <summary>One value per axis (collection expressions).</summary>
    public static ShapeArgument Create(ReadOnlySpan<int?> dimensions) => new(dimensions.ToArray());

    /// <inheritdoc />
    public IEnumerator<int?> GetEnumerator() => ((IEnumerable<int?>)Dimensions).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Dimensions with unknowns (null).</summary>
    public static implicit operator ShapeArgument(int?[] dimensions) => new(dimensions ?? throw new ArgumentNullException(nameof(dimensions)));

    /// <summary>Fully known dimensions.</summary>
    public static implicit operator ShapeArgument(int[] dimensions) => new((dimensions ?? throw new ArgumentNullException(nameof(dimensions))).Select(d => (int?)d));

    /// <summary>Fully known dimensions, as a list.</summary>
    public static implicit operator ShapeArgument(List<int> dimensions) => new((dimensions ?? throw new ArgumentNullException(nameof(dimensions))).Select(d => (int?)d));

    /// <summary>Dimensions with unknowns (null), as a list.</summary>
    public static implicit operator ShapeArgument(List<int?> dimensions) => new(dimensions ?? throw new ArgumentNullException(nameof(dimensions)));

    /// <summary>A Python pair as written: <c>(28, 28)</c>, <c>(null, 8)</c>.</summary>
    public static implicit operator ShapeArgument((int?, int?) shape) => new([shape.Item1, shape.Item2]);

    /// <summary>A Python triple as written: <c>(28, 28, 1)</c>.</summary>
    public static implicit operator ShapeArgument((int?, int?, int?) shape) => new([shape.Item1, shape.Item2, shape.Item3]);

    /// <summary>A Python 4-tuple as written (video frames: <c>(16, 64, 64, 3)</c>).</summary>
    public static implicit operator ShapeArgument((int?, int?, int?, int?) shape) => new([shape.Item1, shape.Item2, shape.Item3, shape.Item4]);

    /// <summary>A Python 5-tuple as written (video volumes: <c>(16, 8, 64, 64, 3)</c>).</summary>
    public static implicit operator ShapeArgument((int?, int?, int?, int?, int?) shape) =>
        new([shape.Item1, shape.Item2, shape.Item3, shape.Item4, shape.Item5]);

    /// <inheritdoc />
    public override string ToString() => $"({string.Join(", ", Dimensions.Select(d => d?.ToString() ?? "None"))}{(Dimensions.Length == 1 ? "," : "")})";
}
