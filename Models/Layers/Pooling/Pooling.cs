namespace TfFunctional.Layers;

/// <summary>
/// The base of max and average pooling over 1 to 3 spatial axes, as Keras's BasePooling: strides default to the pool
/// size; "same" pads at the end, with −∞ for max pooling, and averages only the real values of each window.
/// </summary>
public abstract class Pooling : Layer
{
    /// <summary>Creates the layer.</summary>
    protected Pooling(int rank, bool max, IntOrTuple poolSize, IntOrTuple? strides, string padding, string? dataFormat, string? name, ShapeArgument? inputShape)
        : base(name, inputShape: inputShape)
    {
        Rank = rank;
        IsMax = max;
        PoolSize = poolSize.Expand(rank, "pool_size");
        Strides = (strides ?? new IntOrTuple(PoolSize)).Expand(rank, "strides");
        Padding = ConvArithmetic.CheckPadding(padding, allowCausal: false);
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary>Window size per spatial axis.</summary>
    public int[] PoolSize { get; }
    /// <summary>Step per spatial axis.</summary>
    public int[] Strides { get; }
    /// <summary><c>valid</c> or <c>same</c>.</summary>
    public string Padding { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    internal bool IsMax { get; }
    private bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var (before, after) = ConvArithmetic.Pads(inputs.Shape, PoolSize, Strides, Enumerable.Repeat(1, Rank).ToArray(), Padding, ChannelsLast);
        return Ops.Pool(inputs, IsMax, PoolSize, Strides, before, after, ChannelsLast);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var spatial = new int?[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int? length = inputShape[ChannelsLast ? 1 + i : 2 + i];
            spatial[i] = length is null ? null
                : Padding == "same" ? (length + Strides[i] - 1) / Strides[i]
                : (length - PoolSize[i]) / Strides[i] + 1;
            if (spatial[i] is <= 0)
                throw new ArgumentException($"Computed output size would be negative: pool size ({string.Join(", ", PoolSize)}) is larger than the input {inputShape} with padding=\"valid\".");
        }
        int? channels = inputShape[ChannelsLast ? -1 : 1];
        return ChannelsLast ? new Shape([inputShape[0], .. spatial, channels]) : new Shape([inputShape[0], channels, .. spatial]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("pool_size", PoolSize).With("padding", Padding).With("strides", Strides).With("data_format", DataFormat);
}
