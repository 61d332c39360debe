namespace TfFunctional.Layers;

/// <summary>The base of UpSampling1D/2D: repeats (nearest) or interpolates (bilinear) along the spatial axes.</summary>
public abstract class UpSampling : Layer
{
    /// <summary>Creates the layer.</summary>
    protected UpSampling(int rank, IntOrTuple size, string? dataFormat, string interpolation, string? name, ShapeArgument? inputShape)
        : base(name, inputShape: inputShape)
    {
        Rank = rank;
        Size = size.Expand(rank, "size");
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        if (interpolation is not ("nearest" or "bilinear"))
            throw new ArgumentException($"`interpolation` argument should be one of: \"nearest\", \"bilinear\". Received: \"{interpolation}\".", nameof(interpolation));
        Interpolation = interpolation;
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary>The factor per spatial axis.</summary>
    public int[] Size { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    /// <summary><c>nearest</c> or <c>bilinear</c>.</summary>
    public string Interpolation { get; }
    private bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.Upsample(inputs, Size, Interpolation == "bilinear", ChannelsLast);

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var dims = inputShape.Dims;
        for (int i = 0; i < Rank; i++)
        {
            int axis = ChannelsLast ? 1 + i : 2 + i;
            dims[axis] = dims[axis] * Size[i];
        }
        return new Shape(dims);
    }
}
