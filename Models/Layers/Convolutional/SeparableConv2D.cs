using TfFunctional.Activations;
using TfFunctional.Initializers;

namespace TfFunctional.Layers;

/// <summary>
/// A depthwise convolution followed by a 1×1 pointwise one, as Keras's SeparableConv2D: depthwise kernel
/// (kh, kw, in, depthMultiplier), pointwise kernel (1, 1, in·depthMultiplier, filters), bias (filters).
/// </summary>
public sealed class SeparableConv2D : DepthwiseConvolution
{
    private Variable? _depthwise;
    private Variable? _pointwise;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public SeparableConv2D(int filters, IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, IntOrTuple? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        string? name = null, bool trainable = true, ShapeArgument? inputShape = null)
        : base(kernelSize, strides, padding, depthMultiplier, dataFormat, dilationRate, activation, useBias, depthwiseInitializer,
            biasInitializer, name, trainable, inputShape)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        Filters = filters;
        PointwiseInitializer = pointwiseInitializer ?? new GlorotUniform();
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Initializes the pointwise kernel.</summary>
    public Initializer PointwiseInitializer { get; }

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int channels = Channels(inputShape);
        _depthwise = AddWeight("depthwise_kernel", [KernelSize[0], KernelSize[1], channels, DepthMultiplier], DepthwiseInitializer);
        _pointwise = AddWeight("pointwise_kernel", [1, 1, channels * DepthMultiplier, Filters], PointwiseInitializer, storageAxes: [3, 2, 0, 1]);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasInitializer);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var depthwise = Depthwise(inputs, _depthwise!, null);
        var pointwise = Ops.Convolution(depthwise, _pointwise!.Value, _bias?.Value, [1, 1], [1, 1], [0, 0], [0, 0], 1, ChannelsLast);
        return Activation.Apply(pointwise);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => DepthwiseOutputShape(inputShape, Filters);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithDepthwiseArguments(base.GetConfig().With("filters", Filters))
        .With("pointwise_initializer", PointwiseInitializer).With("bias_initializer", BiasInitializer);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static SeparableConv2D FromConfig(LayerConfig config) => config.Construct<SeparableConv2D>();
}
