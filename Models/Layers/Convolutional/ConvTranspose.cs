using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// The base of Conv1DTranspose and Conv2DTranspose ("deconvolution"), as Keras's BaseConvTranspose: kernel
/// (k…, filters, in) in Keras layout; output size <c>n·s</c> for "same", <c>n·s + max(k − s, 0)</c> for "valid", or
/// Keras's formula with <c>outputPadding</c>.
/// </summary>
public abstract class ConvTranspose : KernelLayer
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    protected ConvTranspose(int rank, int filters, IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid", IntOrTuple? outputPadding = null,
        string? dataFormat = null, IntOrTuple? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? biasConstraint = null, string? name = null, bool trainable = true, ShapeArgument? inputShape = null)
        : base(activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable, inputShape)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        Rank = rank;
        Filters = filters;
        KernelSize = kernelSize.Expand(rank, "kernel_size");
        Strides = (strides ?? 1).Expand(rank, "strides");
        Padding = ConvArithmetic.CheckPadding(padding, allowCausal: false);
        OutputPadding = outputPadding?.Expand(rank, "output_padding", minimum: 0);
        if (OutputPadding is { } op && op.Zip(Strides).Any(p => p.First >= p.Second))
            throw new ArgumentException($"Strides must be greater than output padding. Received strides={string.Join(",", Strides)}, output_padding={string.Join(",", op)}.", nameof(outputPadding));
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        DilationRate = (dilationRate ?? 1).Expand(rank, "dilation_rate");
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel size (rows, columns).</summary>
    public int[] KernelSize { get; }
    /// <summary>Strides (rows, columns).</summary>
    public int[] Strides { get; }
    /// <summary><c>valid</c> or <c>same</c>.</summary>
    public string Padding { get; }
    /// <summary>Extra rows and columns at the end, or null for Keras's default size.</summary>
    public int[]? OutputPadding { get; }
    /// <summary><c>channels_last</c> or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    /// <summary>Dilation (rows, columns).</summary>
    public int[] DilationRate { get; }
    private bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int channelAxis = ChannelsLast ? -1 : 1;
        int inputChannels = inputShape[channelAxis] ?? throw new ArgumentException($"The channel dimension of the inputs should be defined. Received input shape {inputShape}.");
        // Keras (k…, filters, in) is stored (in, filters, k…), libtorch's transposed-convolution layout.
        (_kernel, _bias) = AddKernelAndBias([.. KernelSize, Filters, inputChannels], Filters, [Rank + 1, Rank, .. Enumerable.Range(0, Rank)]);
        InputSpec = new InputSpec(Ndim: Rank + 2, Axes: new Dictionary<int, int> { [channelAxis] = inputChannels });
    }

    private int OutputLength(int input, int axis)
    {
        int kernel = KernelSize[axis] + (KernelSize[axis] - 1) * (DilationRate[axis] - 1);
        int stride = Strides[axis];
        if (OutputPadding is null)
            return Padding == "same" ? input * stride : input * stride + Math.Max(kernel - stride, 0);
        int pad = Padding == "same" ? kernel / 2 : 0;
        return (input - 1) * stride + kernel - 2 * pad + OutputPadding[axis];
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        // The full transposed convolution, then Keras's window of it: cropped at the start by the padding "same"
        // implies, and cut (or zero-extended) at the end to Keras's output size; the bias goes on afterwards.
        var x = Ops.ConvolutionTranspose(inputs, _kernel!.Value, Strides, DilationRate, ChannelsLast);
        for (int axis = 0; axis < Rank; axis++)
        {
            int spatialAxis = ChannelsLast ? 1 + axis : 2 + axis;
            int input = inputs.Shape[spatialAxis]!.Value;
            int target = OutputLength(input, axis);
            int kernel = KernelSize[axis] + (KernelSize[axis] - 1) * (DilationRate[axis] - 1);
            int cropBefore = OutputPadding is null
                ? (Padding == "same" ? Math.Max(kernel - Strides[axis], 0) / 2 : 0)
                : (Padding == "same" ? kernel / 2 : 0);
            int available = x.Shape[spatialAxis]!.Value - cropBefore;
            if (available < target)
            {
                int[] before = new int[Rank], after = new int[Rank];
                after[axis] = target - available;
                x = Ops.PadSpatial(x, before, after, ChannelsLast);
            }
            x = Ops.Narrow(x, spatialAxis, cropBefore, target);
        }
        if (_bias is not null)
            x = ChannelsLast ? Ops.Add(x, _bias.Value) : Ops.Add(x, Ops.Reshape(_bias.Value, [1, Filters, .. Enumerable.Repeat(1L, Rank)]));
        return Activate(x, context);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var spatial = Enumerable.Range(0, Rank).Select(axis =>
            inputShape[ChannelsLast ? 1 + axis : 2 + axis] is int n ? (int?)OutputLength(n, axis) : null).ToArray();
        return ChannelsLast ? new Shape([inputShape[0], .. spatial, Filters]) : new Shape([inputShape[0], Filters, .. spatial]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithKernelArguments(base.GetConfig()
        .With("filters", Filters).With("kernel_size", KernelSize).With("strides", Strides).With("padding", Padding)
        .With("output_padding", OutputPadding).With("data_format", DataFormat).With("dilation_rate", DilationRate));
}
