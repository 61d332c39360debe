namespace TfFunctional.Layers;

/// <summary>Flattens every axis but the batch: (None, 4, 4, 3) → (None, 48), in (H, W, C) order for channels_last.</summary>
public sealed class Flatten : Layer
{
    /// <summary>Creates the layer; <paramref name="dataFormat"/> is <c>channels_last</c> (default) or <c>channels_first</c>.</summary>
    public Flatten(string dataFormat = "channels_last", string? name = null, ShapeArgument? inputShape = null)
        : base(name, inputShape: inputShape)
    {
        if (dataFormat is not ("channels_last" or "channels_first"))
            throw new ArgumentException($"The `data_format` argument must be one of \"channels_first\", \"channels_last\". Received: {dataFormat}", nameof(dataFormat));
        DataFormat = dataFormat;
        InputSpec = new InputSpec(MinNdim: 1);
    }

    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var x = inputs;
        if (DataFormat == "channels_first" && x.Rank > 2)
        {
            // Keras flattens channels_first feature maps in channels_last order so Dense weights stay portable.
            long[] order = [0, .. Enumerable.Range(2, x.Rank - 2).Select(i => (long)i), 1];
            x = Ops.Transpose(x, order);
        }
        // The feature count from the shape, not -1: a batch of no samples has no size to infer it from.
        long features = x.Shape.Slice(1..).Size ?? 1;
        return Ops.Reshape(x, x.Shape[0]!.Value, features);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var rest = inputShape.Slice(1..);
        return new Shape(inputShape[0], rest.IsFullyDefined ? (int)rest.Size!.Value : null);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("data_format", DataFormat);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Flatten FromConfig(LayerConfig config) => config.Construct<Flatten>();
}
