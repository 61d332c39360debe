using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// A depthwise convolution followed by a 1×1 pointwise one, as Keras's SeparableConv2D: depthwise kernel
/// (kh, kw, in, depthMultiplier), pointwise kernel (1, 1, in·depthMultiplier, filters), bias (filters).
/// </summary>
public sealed class SeparableConv2D : Layer
{
    private Variable? _depthwise;
    private Variable? _pointwise;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public SeparableConv2D(int filters, IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, IntOrTuple? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        string? name = null, bool trainable = true, int?[]? inputShape = null)
        : base(name, trainable, inputShape: inputShape)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        Filters = filters;
        KernelSize = kernelSize.Expand(2, "kernel_size");
        Strides = (strides ?? 1).Expand(2, "strides");
        Padding = ConvArithmetic.CheckPadding(padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        DilationRate = (dilationRate ?? 1).Expand(2, "dilation_rate");
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        PointwiseInitializer = pointwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        InputSpec = new InputSpec(Ndim: 4);
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel size.</summary>
    public int[] KernelSize { get; }
    /// <summary>Strides.</summary>
    public int[] Strides { get; }
    /// <summary><c>valid</c> or <c>same</c>.</summary>
    public string Padding { get; }
    /// <summary>Depthwise filters per input channel.</summary>
    public int DepthMultiplier { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    /// <summary>Dilation.</summary>
    public int[] DilationRate { get; }
    /// <summary>Applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>Initializes the depthwise kernel.</summary>
    public Initializer DepthwiseInitializer { get; }
    /// <summary>Initializes the pointwise kernel.</summary>
    public Initializer PointwiseInitializer { get; }
    /// <summary>Initializes the bias.</summary>
    public Initializer BiasInitializer { get; }

    private bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int channels = inputShape[ChannelsLast ? -1 : 1] ?? throw new ArgumentException($"The channel dimension of the inputs should be defined. Received input shape {inputShape}.");
        _depthwise = AddWeight("depthwise_kernel", [KernelSize[0], KernelSize[1], channels, DepthMultiplier], DepthwiseInitializer);
        _pointwise = AddWeight("pointwise_kernel", [1, 1, channels * DepthMultiplier, Filters], PointwiseInitializer, storageAxes: [3, 2, 0, 1]);
        if (UseBias) _bias = AddWeight("bias", [Filters], BiasInitializer);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        int channels = inputs.Shape[ChannelsLast ? -1 : 1]!.Value;
        var (before, after) = ConvArithmetic.Pads(inputs.Shape, KernelSize, Strides, DilationRate, Padding, ChannelsLast);
        var depthwise = Ops.Convolution(inputs, DepthwiseConv2D.GroupedWeight(_depthwise!), null, Strides, DilationRate, before, after, channels, ChannelsLast);
        var pointwise = Ops.Convolution(depthwise, _pointwise!.Value, _bias?.Value, [1, 1], [1, 1], [0, 0], [0, 0], 1, ChannelsLast);
        return Activation.Apply(pointwise);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var spatial = Enumerable.Range(0, 2).Select(i =>
            ConvArithmetic.OutputLength(inputShape[ChannelsLast ? 1 + i : 2 + i], KernelSize[i], Strides[i], DilationRate[i], Padding)).ToArray();
        if (spatial.Any(s => s <= 0))
            throw new ArgumentException($"Computed output size would be negative: the kernel ({string.Join(", ", KernelSize)}) is larger than the input {inputShape} with padding=\"{Padding}\".");
        return ChannelsLast ? new Shape([inputShape[0], .. spatial, Filters]) : new Shape([inputShape[0], Filters, .. spatial]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("filters", Filters).With("kernel_size", KernelSize).With("strides", Strides).With("padding", Padding)
        .With("depth_multiplier", DepthMultiplier).With("data_format", DataFormat).With("dilation_rate", DilationRate)
        .With("activation", Activation).With("use_bias", UseBias)
        .With("depthwise_initializer", DepthwiseInitializer).With("pointwise_initializer", PointwiseInitializer)
        .With("bias_initializer", BiasInitializer);
}
