namespace TfFunctional.Layers;

/// <summary>
/// The base of ZeroPadding and Cropping: a (before, after) amount per spatial axis, added as zeros or removed.
/// Keras takes an int (all sides), a tuple (symmetric per axis) or a tuple of tuples.
/// </summary>
public abstract class SpatialMargins : Layer
{
    /// <summary>Creates the layer.</summary>
    protected SpatialMargins(int rank, int[][] margins, string? dataFormat, bool crop, string? name, ShapeArgument? inputShape)
        : base(name, inputShape: inputShape)
    {
        if (margins.Length != rank || margins.Any(m => m.Length != 2 || m.Any(v => v < 0)))
            throw new ArgumentException($"`{(crop ? "cropping" : "padding")}` should have {rank} pairs of non-negative integers.");
        Rank = rank;
        Margins = margins;
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        Crop = crop;
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <summary>Margins from an int, a symmetric tuple or a tuple of (before, after) pairs.</summary>
    protected static int[][] Expand(int rank, int[]? symmetric, int[][]? pairs) =>
        pairs ?? (symmetric is { Length: 1 } one ? Enumerable.Repeat(new[] { one[0], one[0] }, rank).ToArray()
            : symmetric is { } values && values.Length == rank ? values.Select(v => new[] { v, v }).ToArray()
            : symmetric is { Length: 2 } beforeAfter && rank == 1 ? [beforeAfter]
            : throw new ArgumentException("Margins must be an int, a tuple of one int per axis, or a tuple of (before, after) pairs."));

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary>(before, after) per spatial axis.</summary>
    public int[][] Margins { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    internal bool Crop { get; }
    private int Axis(int i) => DataFormat == "channels_last" ? 1 + i : 2 + i;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        if (!Crop)
            return Ops.PadSpatial(inputs, Margins.Select(m => m[0]).ToArray(), Margins.Select(m => m[1]).ToArray(), DataFormat == "channels_last");
        var x = inputs;
        for (int i = 0; i < Rank; i++)
        {
            int length = x.Shape[Axis(i)]!.Value;
            x = Ops.Narrow(x, Axis(i), Margins[i][0], length - Margins[i][0] - Margins[i][1]);
        }
        return x;
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var dims = inputShape.Dims;
        for (int i = 0; i < Rank; i++)
        {
            int change = Margins[i][0] + Margins[i][1];
            dims[Axis(i)] = dims[Axis(i)] is int n ? (Crop ? n - change : n + change) : null;
            if (dims[Axis(i)] is <= 0)
                throw new ArgumentException($"Cropping ({string.Join(", ", Margins.Select(m => $"({m[0]}, {m[1]})"))}) leaves nothing of an input of shape {inputShape}.");
        }
        return new Shape(dims);
    }
}
