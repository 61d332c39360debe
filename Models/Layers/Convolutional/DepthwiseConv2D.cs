using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Convolves each input channel with its own <c>depthMultiplier</c> filters, as Keras's DepthwiseConv2D: kernel
/// (kh, kw, in, depthMultiplier), output channel <c>c·depthMultiplier + m</c>.
/// </summary>
public sealed class DepthwiseConv2D : Layer
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public DepthwiseConv2D(IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, IntOrTuple? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null,
        Regularizer? biasRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null,
        string? name = null, bool trainable = true, int?[]? inputShape = null)
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
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        BiasConstraint = biasConstraint;
        InputSpec = new InputSpec(Ndim: 4);
    }

    /// <summary>Kernel size (rows, columns).</summary>
    public int[] KernelSize { get; }
    /// <summary>Strides.</summary>
    public int[] Strides { get; }
    /// <summary><c>valid</c> or <c>same</c>.</summary>
    public string Padding { get; }
    /// <summary>Filters per input channel.</summary>
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
    /// <summary>Penalty on the kernel.</summary>
    public Regularizer? DepthwiseRegularizer { get; }
    /// <summary>Penalty on the bias.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>Projection of the kernel.</summary>
    public Constraint? DepthwiseConstraint { get; }
    /// <summary>Projection of the bias.</summary>
    public Constraint? BiasConstraint { get; }

    private bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int channels = inputShape[ChannelsLast ? -1 : 1] ?? throw new ArgumentException($"The channel dimension of the inputs should be defined. Received input shape {inputShape}.");
        _kernel = AddWeight("kernel", [KernelSize[0], KernelSize[1], channels, DepthMultiplier], DepthwiseInitializer,
            regularizer: DepthwiseRegularizer, constraint: DepthwiseConstraint);
        if (UseBias) _bias = AddWeight("bias", [channels * DepthMultiplier], BiasInitializer, regularizer: BiasRegularizer, constraint: BiasConstraint);
    }

    /// <summary>The depthwise kernel as a grouped convolution's weight: (in·multiplier, 1, kh, kw).</summary>
    internal static Tensor GroupedWeight(Tensor kernel)
    {
        var shape = kernel.Shape;
        return Ops.Reshape(Ops.Transpose(kernel, 2, 3, 0, 1), shape[2]!.Value * shape[3]!.Value, 1, shape[0]!.Value, shape[1]!.Value);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        int channels = inputs.Shape[ChannelsLast ? -1 : 1]!.Value;
        var (before, after) = ConvArithmetic.Pads(inputs.Shape, KernelSize, Strides, DilationRate, Padding, ChannelsLast);
        var outputs = Ops.Convolution(inputs, GroupedWeight(_kernel!), _bias?.Value, Strides, DilationRate, before, after, channels, ChannelsLast);
        return Activation.Apply(outputs);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var spatial = Enumerable.Range(0, 2).Select(i =>
            ConvArithmetic.OutputLength(inputShape[ChannelsLast ? 1 + i : 2 + i], KernelSize[i], Strides[i], DilationRate[i], Padding)).ToArray();
        if (spatial.Any(s => s <= 0))
            throw new ArgumentException($"Computed output size would be negative: the kernel ({string.Join(", ", KernelSize)}) is larger than the input {inputShape} with padding=\"{Padding}\".");
        int? channels = inputShape[ChannelsLast ? -1 : 1] * DepthMultiplier;
        return ChannelsLast ? new Shape([inputShape[0], .. spatial, channels]) : new Shape([inputShape[0], channels, .. spatial]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("kernel_size", KernelSize).With("strides", Strides).With("padding", Padding).With("depth_multiplier", DepthMultiplier)
        .With("data_format", DataFormat).With("dilation_rate", DilationRate).With("activation", Activation).With("use_bias", UseBias)
        .With("depthwise_initializer", DepthwiseInitializer).With("bias_initializer", BiasInitializer)
        .With("depthwise_regularizer", DepthwiseRegularizer).With("bias_regularizer", BiasRegularizer)
        .With("depthwise_constraint", DepthwiseConstraint).With("bias_constraint", BiasConstraint);
}
