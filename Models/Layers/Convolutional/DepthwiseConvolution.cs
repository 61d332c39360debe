using TfFunctional.Activations;
using TfFunctional.Initializers;

namespace TfFunctional.Layers;

/// <summary>
/// What DepthwiseConv2D and SeparableConv2D share, as Keras's arguments: a depthwise kernel (kh, kw, in,
/// depthMultiplier) run as a grouped convolution with Keras's padding, an activation and an optional bias.
/// </summary>
public abstract class DepthwiseConvolution : Layer
{
    /// <summary>Creates the layer.</summary>
    protected DepthwiseConvolution(IntOrTuple kernelSize, IntOrTuple? strides, string padding, int depthMultiplier, string? dataFormat,
        IntOrTuple? dilationRate, ActivationFunction? activation, bool useBias, Initializer? depthwiseInitializer, Initializer? biasInitializer,
        string? name, bool trainable, ShapeArgument? inputShape)
        : base(name, trainable, inputShape: inputShape)
    {
        if (depthMultiplier <= 0) throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"`depth_multiplier` must be positive. Received: {depthMultiplier}");
        KernelSize = kernelSize.Expand(2, "kernel_size");
        Strides = (strides ?? 1).Expand(2, "strides");
        Padding = ConvArithmetic.CheckPadding(padding, allowCausal: false);
        DepthMultiplier = depthMultiplier;
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        DilationRate = (dilationRate ?? 1).Expand(2, "dilation_rate");
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        InputSpec = new InputSpec(Ndim: 4);
    }

    /// <summary>Kernel size (rows, columns).</summary>
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
    /// <summary>Initializes the bias.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Whether channels are the last axis.</summary>
    protected bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <summary>The number of input channels, which must be known.</summary>
    protected int Channels(Shape inputShape) => inputShape[ChannelsLast ? -1 : 1] ?? throw new ArgumentException(
        $"The channel dimension of the inputs should be defined. Received input shape {inputShape}.");

    /// <summary>The depthwise convolution of <paramref name="inputs"/> by a Keras-layout <paramref name="kernel"/>, with Keras's padding.</summary>
    protected Tensor Depthwise(Tensor inputs, Tensor kernel, Tensor? bias)
    {
        // The kernel as a grouped convolution's weight: (in·multiplier, 1, kh, kw), one group per input channel.
        var shape = kernel.Shape;
        var grouped = Ops.Reshape(Ops.Transpose(kernel, 2, 3, 0, 1), shape[2]!.Value * shape[3]!.Value, 1, shape[0]!.Value, shape[1]!.Value);
        var (before, after) = ConvArithmetic.Pads(inputs.Shape, KernelSize, Strides, DilationRate, Padding, ChannelsLast);
        return Ops.Convolution(inputs, grouped, bias, Strides, DilationRate, before, after, shape[2]!.Value, ChannelsLast);
    }

    /// <summary>The output shape for <paramref name="inputShape"/> with <paramref name="channels"/> output channels.</summary>
    protected Shape DepthwiseOutputShape(Shape inputShape, int? channels)
    {
        var spatial = Enumerable.Range(0, 2).Select(i =>
            ConvArithmetic.OutputLength(inputShape[ChannelsLast ? 1 + i : 2 + i], KernelSize[i], Strides[i], DilationRate[i], Padding)).ToArray();
        if (spatial.Any(s => s <= 0))
            throw new ArgumentException($"Computed output size would be negative: the kernel ({string.Join(", ", KernelSize)}) is larger than the input {inputShape} with padding=\"{Padding}\".");
        return ChannelsLast ? new Shape([inputShape[0], .. spatial, channels]) : new Shape([inputShape[0], channels, .. spatial]);
    }

    /// <summary>Adds the shared arguments to <paramref name="config"/> under Keras's keys.</summary>
    protected LayerConfig WithDepthwiseArguments(LayerConfig config) => config
        .With("kernel_size", KernelSize).With("strides", Strides).With("padding", Padding).With("depth_multiplier", DepthMultiplier)
        .With("data_format", DataFormat).With("dilation_rate", DilationRate).With("activation", Activation).With("use_bias", UseBias)
        .With("depthwise_initializer", DepthwiseInitializer);
}
