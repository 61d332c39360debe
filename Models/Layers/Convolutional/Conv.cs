using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// The base of Conv1D, Conv2D and Conv3D, as Keras's BaseConv: kernel (k…, in/groups, filters) in Keras layout,
/// stored (filters, in/groups, k…) as libtorch computes; channels_last inputs stay channels_last; Keras's "same"
/// padding (extra pad at the end) and "causal" (Conv1D).
/// </summary>
public abstract class Conv : KernelLayer
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer.</summary>
    protected Conv(int rank, int filters, IntOrTuple kernelSize, IntOrTuple? strides, string padding, string? dataFormat,
        IntOrTuple? dilationRate, int groups, ActivationFunction? activation, bool useBias, Initializer? kernelInitializer,
        Initializer? biasInitializer, Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? kernelConstraint, Constraint? biasConstraint, string? name, bool trainable, ShapeArgument? inputShape)
        : base(activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable, inputShape)
    {
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        if (groups <= 0 || filters % groups != 0)
            throw new ArgumentException($"The number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        Rank = rank;
        Filters = filters;
        KernelSize = kernelSize.Expand(rank, "kernel_size");
        Strides = (strides ?? 1).Expand(rank, "strides");
        Padding = ConvArithmetic.CheckPadding(padding, allowCausal: rank == 1);
        DataFormat = ConvArithmetic.CheckDataFormat(dataFormat);
        DilationRate = (dilationRate ?? 1).Expand(rank, "dilation_rate");
        if (Strides.Any(s => s > 1) && DilationRate.Any(d => d > 1))
            throw new ArgumentException($"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=({string.Join(", ", Strides)}) and dilation_rate=({string.Join(", ", DilationRate)})");
        Groups = groups;
        InputSpec = new InputSpec(Ndim: rank + 2);
    }

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }
    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel size per spatial axis.</summary>
    public int[] KernelSize { get; }
    /// <summary>Strides per spatial axis.</summary>
    public int[] Strides { get; }
    /// <summary><c>valid</c>, <c>same</c> or (Conv1D) <c>causal</c>.</summary>
    public string Padding { get; }
    /// <summary><c>channels_last</c> (default) or <c>channels_first</c>.</summary>
    public string DataFormat { get; }
    /// <summary>Dilation per spatial axis.</summary>
    public int[] DilationRate { get; }
    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }
    private bool ChannelsLast => DataFormat == "channels_last";

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int channelAxis = ChannelsLast ? -1 : 1;
        int inputChannels = inputShape[channelAxis] ?? throw new ArgumentException(
            $"The channel dimension of the inputs should be defined. The input_shape received is {inputShape}, where axis {channelAxis} (0-based) is the channel dimension, which found to be `None`.");
        if (inputChannels % Groups != 0)
            throw new ArgumentException($"The number of input channels must be evenly divisible by the number of groups. Received groups={Groups}, but the input has {inputChannels} channels (full input shape is {inputShape}).");
        int[] kernelShape = [.. KernelSize, inputChannels / Groups, Filters];
        // Keras layout (k…, in, out) is stored (out, in, k…) for libtorch.
        int[] storage = [Rank + 1, Rank, .. Enumerable.Range(0, Rank)];
        (_kernel, _bias) = AddKernelAndBias(kernelShape, Filters, storage);
        InputSpec = new InputSpec(Ndim: Rank + 2, Axes: new Dictionary<int, int> { [channelAxis] = inputChannels });
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var shape = inputs.Shape;
        var (before, after) = ConvArithmetic.Pads(shape, KernelSize, Strides, DilationRate, Padding, ChannelsLast);
        return Activate(Ops.Convolution(inputs, _kernel!.Value, _bias?.Value, Strides, DilationRate, before, after, Groups, ChannelsLast), context);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var spatial = new int?[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int? length = inputShape[ChannelsLast ? 1 + i : 2 + i];
            spatial[i] = ConvArithmetic.OutputLength(length, KernelSize[i], Strides[i], DilationRate[i], Padding);
            if (spatial[i] is <= 0)
                throw new ArgumentException(
                    $"Computed output size would be negative. Received `inputs shape={inputShape}`, `kernel shape=({string.Join(", ", KernelSize)}, {inputShape[ChannelsLast ? -1 : 1]}, {Filters})`, " +
                    $"`dilation_rate=({string.Join(", ", DilationRate)})`: the kernel is larger than the input with padding=\"{Padding}\".");
        }
        return ChannelsLast
            ? new Shape([inputShape[0], .. spatial, Filters])
            : new Shape([inputShape[0], Filters, .. spatial]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithKernelArguments(base.GetConfig()
        .With("filters", Filters).With("kernel_size", KernelSize).With("strides", Strides).With("padding", Padding)
        .With("data_format", DataFormat).With("dilation_rate", DilationRate).With("groups", Groups));
}
