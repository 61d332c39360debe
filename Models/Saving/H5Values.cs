using PureHDF;

namespace TfFunctional.Saving;

/// <summary>Reading weight datasets of any float width into arrays of a variable's Keras shape.</summary>
internal static class H5Values
{
    /// <summary>The dataset's values (row-major) when its shape is <paramref name="expected"/>, or null after recording the problem.</summary>
    public static float[]? ReadChecked(IH5Dataset dataset, Shape expected, string entry, string variable, List<string> problems)
    {
        var dims = dataset.Space.Dimensions.Select(d => (int?)checked((int)d)).ToArray();
        var actual = new Shape(dims);
        if (actual != expected)
        {
            problems.Add($"weight '{variable}' has shape {expected}, but '{entry}' in the file has shape {actual}");
            return null;
        }
        return ReadFlat(dataset, entry);
    }

    /// <summary>Every value of the dataset with its shape.</summary>
    public static WeightValue ReadFlatWithShape(IH5Dataset dataset, string entry) =>
        new(ReadFlat(dataset, entry), new Shape(dataset.Space.Dimensions.Select(d => (int?)checked((int)d)).ToArray()));

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
