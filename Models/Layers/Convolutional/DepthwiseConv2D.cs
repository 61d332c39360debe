using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Convolves each input channel with its own <c>depthMultiplier</c> filters, as Keras's DepthwiseConv2D: kernel
/// (kh, kw, in, depthMultiplier), output channel <c>c·depthMultiplier + m</c>.
/// </summary>
public sealed class DepthwiseConv2D : DepthwiseConvolution
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public DepthwiseConv2D(IntOrTuple kernelSize, IntOrTuple? strides = null, string padding = "valid", int depthMultiplier = 1,
        string? dataFormat = null, IntOrTuple? dilationRate = null, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null,
        Regularizer? biasRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null,
        string? name = null, bool trainable = true, ShapeArgument? inputShape = null)
        : base(kernelSize, strides, padding, depthMultiplier, dataFormat, dilationRate, activation, useBias, depthwiseInitializer,
            biasInitializer, name, trainable, inputShape)
    {
        DepthwiseRegularizer = depthwiseRegularizer;
        BiasRegularizer = biasRegularizer;
        DepthwiseConstraint = depthwiseConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Penalty on the kernel.</summary>
    public Regularizer? DepthwiseRegularizer { get; }
    /// <summary>Penalty on the bias.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>Projection of the kernel.</summary>
    public Constraint? DepthwiseConstraint { get; }
    /// <summary>Projection of the bias.</summary>
    public Constraint? BiasConstraint { get; }

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int channels = Channels(inputShape);
        _kernel = AddWeight("kernel", [KernelSize[0], KernelSize[1], channels, DepthMultiplier], DepthwiseInitializer,
            regularizer: DepthwiseRegularizer, constraint: DepthwiseConstraint);
        if (UseBias) _bias = AddWeight("bias", [channels * DepthMultiplier], BiasInitializer, regularizer: BiasRegularizer, constraint: BiasConstraint);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Activation.Apply(Depthwise(inputs, _kernel!, _bias?.Value));

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => DepthwiseOutputShape(inputShape, inputShape[ChannelsLast ? -1 : 1] * DepthMultiplier);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithDepthwiseArguments(base.GetConfig())
        .With("bias_initializer", BiasInitializer)
        .With("depthwise_regularizer", DepthwiseRegularizer).With("bias_regularizer", BiasRegularizer)
        .With("depthwise_constraint", DepthwiseConstraint).With("bias_constraint", BiasConstraint);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static DepthwiseConv2D FromConfig(LayerConfig config) => config.Construct<DepthwiseConv2D>();
}
