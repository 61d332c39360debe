namespace TfFunctional.Saving;

/// <summary>
/// A weight a file gives: its shape, known from the file's own description, and its values, read only when they are
/// needed (a conversion that regroups them) or straight into the variable they are assigned to.
/// </summary>
internal sealed class WeightValue
{
    private float[]? _values;
    private readonly Action<Memory<float>, int, int>? _read;

    /// <summary>Values in hand, row-major.</summary>
    public WeightValue(float[] values, Shape shape) => (_values, Shape) = (values, shape);

    private WeightValue(Shape shape, Action<Memory<float>, int, int> read) => (Shape, _read) = (shape, read);

    /// <summary>
    /// A weight whose values <paramref name="read"/> gives when asked: rows <c>first</c> to <c>first + count</c> of
    /// axis 0, row-major, into the buffer it is given.
    /// </summary>
    public static WeightValue Deferred(Shape shape, Action<Memory<float>, int, int> read) => new(shape, read);

    /// <summary>The number of rows of axis 0 (1 for a scalar).</summary>
    private int Rows => Shape.Rank == 0 ? 1 : Shape[0]!.Value;

    /// <summary>The shape.</summary>
    public Shape Shape { get; }

    /// <summary>The values, row-major (read now if they were deferred).</summary>
    public float[] Values
    {
        get
        {
            if (_values is null)
            {
                var values = new float[Shape.Size ?? 0];
                _read!(values, 0, Rows);
                _values = values;
            }
            return _values;
        }
    }

    /// <summary>Writes rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/>, row-major, into <paramref name="target"/> (from the file only now if deferred).</summary>
    public void ReadRows(Memory<float> target, int first, int count)
    {
        if (_values is null)
        {
            _read!(target, first, count);
            return;
        }
        long rowSize = (Shape.Size ?? 0) / Rows;
        _values.AsMemory((int)(first * rowSize), (int)(count * rowSize)).CopyTo(target);
    }

    /// <summary>The values at (row, column) of a 2-D weight.</summary>
    public float At(int row, int column) => Values[row * Shape[1]!.Value + column];
}
