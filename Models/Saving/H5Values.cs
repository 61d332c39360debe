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
        return ReadFlat(dataset);
    }

    /// <summary>Every value of the dataset with its shape.</summary>
    public static WeightValue ReadFlatWithShape(IH5Dataset dataset) =>
        new(ReadFlat(dataset), new Shape(dataset.Space.Dimensions.Select(d => (int?)checked((int)d)).ToArray()));

    /// <summary>Every value of the dataset, converted to float (float16/float64/integer datasets included).</summary>
    public static float[] ReadFlat(IH5Dataset dataset)
    {
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
}
