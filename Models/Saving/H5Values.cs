using PureHDF;
using PureHDF.Selections;

namespace TfFunctional.Saving;

/// <summary>Reading weight datasets of any float width into arrays of a variable's Keras shape.</summary>
internal static class H5Values
{
    /// <summary>
    /// The dataset as a weight of shape <paramref name="expected"/>, its values not yet read, or null after recording
    /// the problem when its shape differs.
    /// </summary>
    public static WeightValue? Checked(IH5Dataset dataset, Shape expected, string entry, string variable, WeightAssignment assignment)
    {
        var actual = ShapeOf(dataset);
        if (actual != expected)
        {
            assignment.Problem($"weight '{variable}' has shape {expected}, but '{entry}' in the file has shape {actual}");
            return null;
        }
        return Deferred(dataset, entry);
    }

    /// <summary>
    /// The dataset as a weight of its own shape, its values not yet read: float32 datasets are read a band of rows at a
    /// time straight into the buffer they are assigned to, others through an array of their own type.
    /// </summary>
    /// <exception cref="KerasFormatException">The dataset is not a plain number array kept in the file (checked now, before anything is read).</exception>
    public static WeightValue Deferred(IH5Dataset dataset, string entry)
    {
        EnsureReadable(dataset, entry);
        var shape = ShapeOf(dataset);
        var dimensions = dataset.Space.Dimensions;
        bool single = dataset.Type.Class == H5DataTypeClass.FloatingPoint && dataset.Type.Size == 4;
        float[]? converted = null;   // other types are converted once, then handed out band by band
        return WeightValue.Deferred(shape, (target, first, count) =>
        {
            bool whole = first == 0 && (dimensions.Length == 0 || count == (int)dimensions[0]);
            if (single && whole) dataset.Read(target);
            else if (single)
            {
                // Rows [first, first + count) of axis 0: a hyperslab of the file into the start of the buffer.
                ulong[] starts = [(ulong)first, .. dimensions.Skip(1).Select(_ => 0UL)];
                ulong[] blocks = [(ulong)count, .. dimensions.Skip(1)];
                ulong length = blocks.Aggregate(1UL, (p, d) => p * d);
                dataset.Read(target, fileSelection: new HyperslabSelection(dimensions.Length, starts, blocks),
                    memorySelection: new HyperslabSelection(1, [0UL], [length]), memoryDims: [(ulong)target.Length]);
            }
            else
            {
                var all = converted ??= ReadFlat(dataset, entry);
                long rowSize = dimensions.Length == 0 ? 1 : all.Length / Math.Max(1, (long)dimensions[0]);
                all.AsMemory((int)(first * rowSize), (int)(count * rowSize)).CopyTo(target);
            }
        });
    }

    private static Shape ShapeOf(IH5Dataset dataset) => new(dataset.Space.Dimensions.Select(d => (int?)checked((int)d)).ToArray());

    /// <summary>Every value of the dataset, converted to float (float16/float64/integer datasets included).</summary>
    public static float[] ReadFlat(IH5Dataset dataset, string entry)
    {
        EnsureReadable(dataset, entry);
        var type = dataset.Type;
        if (type.Class == H5DataTypeClass.FloatingPoint)
            return type.Size switch
            {
                8 => dataset.Read<double[]>().Select(v => (float)v).ToArray(),
                2 => dataset.Read<Half[]>().Select(v => (float)v).ToArray(),
                _ => dataset.Read<float[]>(),
            };
        return type.Size switch
        {
            8 => dataset.Read<long[]>().Select(v => (float)v).ToArray(),
            _ => dataset.Read<int[]>().Select(v => (float)v).ToArray(),
        };
    }

    private static readonly System.Reflection.PropertyInfo? ExternalFileList = typeof(PureHDF.VOL.Native.NativeDataset)
        .GetProperty("InternalExternalFileList", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);

    /// <summary>
    /// A weight is a plain number array stored in the file itself: no compound, complex, string or bit-field types (they
    /// would be reinterpreted), and no external or virtual storage (which would read other files on this machine).
    /// </summary>
    /// <exception cref="KerasFormatException">The dataset is something else; the message names the entry.</exception>
    public static void EnsureReadable(IH5Dataset dataset, string entry)
    {
        var type = dataset.Type;
        bool number = type.Class == H5DataTypeClass.FloatingPoint && type.Size is 2 or 4 or 8
                      || type.Class == H5DataTypeClass.FixedPoint && type.Size is 1 or 2 or 4 or 8;
        if (!number)
            throw new KerasFormatException($"weight dataset '{entry}' has HDF5 type {type.Class} of {type.Size} bytes; weights are float or integer numbers.");
        if (dataset.Layout.Class == H5DataLayoutClass.VirtualStorage)
            throw new KerasFormatException($"weight dataset '{entry}' is a virtual dataset (it maps other files); a model file may only read itself.");
        // PureHDF 2.2 keeps the external file list internal: read it by reflection, and refuse when that is not possible.
        if (dataset is PureHDF.VOL.Native.NativeDataset native && (ExternalFileList is null || ExternalFileList.GetValue(native) is not null))
            throw new KerasFormatException($"weight dataset '{entry}' keeps its data in external files; a model file may only read itself.");
    }

    /// <summary>
    /// The number of values all datasets under <paramref name="group"/> hold (from their dataspaces; nothing is read),
    /// the most weight values a model built from the file may ask for. Groups deeper than Keras nests are not followed
    /// (HDF5 links may form cycles).
    /// </summary>
    public static long CountElements(IH5Group group, int depth = 0)
    {
        if (depth > 16) return 0;
        long total = 0;
        foreach (var child in group.Children())
        {
            long count = child switch
            {
                IH5Dataset dataset => dataset.Space.Dimensions.Aggregate(1.0, (p, d) => p * d) is var n && n < long.MaxValue / 2 ? (long)n : long.MaxValue / 2,
                IH5Group inner => CountElements(inner, depth + 1),
                _ => 0,
            };
            total = Math.Min(long.MaxValue / 2, total + count);
        }
        return total;
    }
}
