using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// What Dense and the convolutions share, with Keras's arguments and defaults: an activation on the output, an
/// optional bias, the initializers, regularizers and constraints of kernel and bias, and an activity regularizer.
/// </summary>
public abstract class KernelLayer : Layer
{
    /// <summary>Creates the layer (no activation, glorot_uniform kernel and zero bias by default).</summary>
    protected KernelLayer(ActivationFunction? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? kernelConstraint, Constraint? biasConstraint, string? name, bool trainable, ShapeArgument? inputShape, int? batchSize = null)
        : base(name, trainable, inputShape: inputShape, batchSize: batchSize)
    {
        Activation = activation ?? ActivationFunction.Linear;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>Initializes the kernel.</summary>
    public Initializer KernelInitializer { get; }
    /// <summary>Initializes the bias.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>Penalty on the kernel.</summary>
    public Regularizer? KernelRegularizer { get; }
    /// <summary>Penalty on the bias.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>Penalty on the output, added while training.</summary>
    public Regularizer? ActivityRegularizer { get; }
    /// <summary>Projection of the kernel after each update.</summary>
    public Constraint? KernelConstraint { get; }
    /// <summary>Projection of the bias after each update.</summary>
    public Constraint? BiasConstraint { get; }

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <summary>Creates the kernel (Keras shape, stored as <paramref name="storageAxes"/> say) and, with a bias, the bias.</summary>
    protected (Variable Kernel, Variable? Bias) AddKernelAndBias(int[] kernelShape, int biasSize, int[]? storageAxes = null)
    {
        var kernel = AddWeight("kernel", kernelShape, KernelInitializer, regularizer: KernelRegularizer, constraint: KernelConstraint,
            storageAxes: storageAxes);
        var bias = UseBias ? AddWeight("bias", [biasSize], BiasInitializer, regularizer: BiasRegularizer, constraint: BiasConstraint) : null;
        return (kernel, bias);
    }

    /// <summary>The activation of <paramref name="outputs"/>; while training, adds the activity penalty per sample.</summary>
    protected Tensor Activate(Tensor outputs, CallContext context)
    {
        var activated = Activation.Apply(outputs);
        if (ActivityRegularizer is not null && context.Training)
            context.AddLoss(Ops.Divide(ActivityRegularizer.Call(activated), activated.Shape[0] ?? 1));
        return activated;
    }

    /// <summary>Adds the shared arguments to <paramref name="config"/> under Keras's keys, in Keras's order.</summary>
    protected LayerConfig WithKernelArguments(LayerConfig config) => config
        .With("activation", Activation).With("use_bias", UseBias)
        .With("kernel_initializer", KernelInitializer).With("bias_initializer", BiasInitializer)
        .With("kernel_regularizer", KernelRegularizer).With("bias_regularizer", BiasRegularizer)
        .With("activity_regularizer", ActivityRegularizer)
        .With("kernel_constraint", KernelConstraint).With("bias_constraint", BiasConstraint);
}
