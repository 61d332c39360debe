namespace TfFunctional.Layers;

/// <summary>
/// The base of global pooling: the maximum or mean over every spatial axis, giving (batch, channels), or keeping
/// the axes with <c>keepdims</c>. Global average pooling over steps follows a mask, as Keras's does.
/// </summary>
public abstract class GlobalPooling : Layer
{
    /// <summary>Creates the layer.</summary>
    protected GlobalPooling(int rank, bool max, string? dataFormat, bool keepdims, string? name, ShapeArgument? inputShape) : base(name, inputShape: inputShape)
    {
        Rank = rank;
        IsMax = max;
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        Keepdims = keepdims;
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    /// <summary>Whether the pooled axes are kept with length 1.</summary>
    public bool Keepdims { get; }
    internal bool IsMax { get; }
    private int[] Axes => Enumerable.Range(DataFormat == "channels_last" ? 1 : 2, Rank).ToArray();

    /// <inheritdoc />
    public override bool SupportsMasking => !IsMax && Rank == 1;   // only GlobalAveragePooling1D weighs steps by the mask, as Keras

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var x = inputs;
        if (!IsMax && Rank == 1 && context.Mask is { } mask && DataFormat == "channels_last")
        {
            var weights = Ops.ExpandDims(Ops.Cast(mask, x.DType), -1);
            var sum = Ops.Sum(Ops.Multiply(x, weights), [1], Keepdims);
            return Ops.Divide(sum, Ops.Sum(weights, [1], Keepdims));
        }
        foreach (int axis in Axes.Reverse())
            x = IsMax ? Ops.Max(x, axis, Keepdims) : Ops.Mean(x, axis, Keepdims);
        return x;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) => [null];

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var dims = inputShape.Dims;
        if (Keepdims)
        {
            foreach (int axis in Axes) dims[axis] = 1;
            return new Shape(dims);
        }
        return new Shape(dims.Where((_, i) => !Axes.Contains(i)).ToArray());
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("data_format", DataFormat).With("keepdims", Keepdims);
}
