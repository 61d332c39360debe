namespace TfFunctional.Layers;

/// <summary>The base of SpatialDropout1D/2D: drops whole channels (one mask value per sample and channel) while training.</summary>
public abstract class SpatialDropout : Layer
{
    /// <summary>Creates the layer.</summary>
    protected SpatialDropout(int rank, double rate, string? dataFormat, string? name, ShapeArgument? inputShape) : base(name, inputShape: inputShape)
    {
        if (rate is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rank = rank;
        Rate = rate;
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary>Fraction of channels dropped.</summary>
    public double Rate { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        if (!context.Training || Rate == 0) return inputs;
        var shape = inputs.Shape.Select(d => d!.Value).ToArray();
        int channelAxis = DataFormat == "channels_last" ? Rank + 1 : 1;
        var maskShape = shape.Select((d, i) => i == 0 || i == channelAxis ? d : 1).ToArray();
        return Ops.Multiply(inputs, Ops.Dropout(Ops.Ones(maskShape, inputs.DType), Rate, training: true));
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("rate", Rate);
}
