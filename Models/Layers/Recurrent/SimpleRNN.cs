using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>Fully connected recurrence, as Keras's SimpleRNN: <c>h = activation(x·W + h·U + b)</c>.</summary>
public sealed class SimpleRNN : RecurrentLayer
{
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public SimpleRNN(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0.0, double recurrentDropout = 0.0, bool returnSequences = false, bool returnState = false,
        bool goBackwards = false, bool stateful = false, string? name = null, bool trainable = true,
        int?[]? inputShape = null, int? batchSize = null)
        : base(units, returnSequences, returnState, goBackwards, stateful, dropout, recurrentDropout, name, trainable, inputShape, batchSize)
    {
        Activation = activation ?? ActivationFunction.Tanh;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        RecurrentInitializer = recurrentInitializer ?? new Orthogonal();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        RecurrentRegularizer = recurrentRegularizer;
        BiasRegularizer = biasRegularizer;
        KernelConstraint = kernelConstraint;
        RecurrentConstraint = recurrentConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Activation of the state (tanh).</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>Initializes the input kernel.</summary>
    public Initializer KernelInitializer { get; }
    /// <summary>Initializes the recurrent kernel.</summary>
    public Initializer RecurrentInitializer { get; }
    /// <summary>Initializes the bias.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>Penalty on the input kernel.</summary>
    public Regularizer? KernelRegularizer { get; }
    /// <summary>Penalty on the recurrent kernel.</summary>
    public Regularizer? RecurrentRegularizer { get; }
    /// <summary>Penalty on the bias.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>Projection of the input kernel.</summary>
    public Constraint? KernelConstraint { get; }
    /// <summary>Projection of the recurrent kernel.</summary>
    public Constraint? RecurrentConstraint { get; }
    /// <summary>Projection of the bias.</summary>
    public Constraint? BiasConstraint { get; }

    /// <inheritdoc />
    protected override int StateCount => 1;

    /// <inheritdoc />
    protected override void BuildCell(int inputDim)
    {
        string prefix = $"{Name}/simple_rnn_cell";
        _kernel = AddWeight("kernel", [inputDim, Units], KernelInitializer, regularizer: KernelRegularizer, constraint: KernelConstraint, pathPrefix: prefix);
        _recurrentKernel = AddWeight("recurrent_kernel", [Units, Units], RecurrentInitializer,
            regularizer: RecurrentRegularizer, constraint: RecurrentConstraint, pathPrefix: prefix);
        if (UseBias)
            _bias = AddWeight("bias", [Units], BiasInitializer, regularizer: BiasRegularizer, constraint: BiasConstraint, pathPrefix: prefix);
    }

    /// <inheritdoc />
    protected override Tensor ProjectInputs(Tensor inputs) => Ops.Linear(inputs, _kernel!, _bias?.Value);

    /// <inheritdoc />
    protected override (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask)
    {
        var h = recurrentMask is null ? states[0] : Ops.Multiply(states[0], recurrentMask);
        var next = Activation.Apply(Ops.Add(projected, Ops.Matmul(h, _recurrentKernel!)));
        return (next, [next]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("activation", Activation).With("use_bias", UseBias)
        .With("kernel_initializer", KernelInitializer).With("recurrent_initializer", RecurrentInitializer)
        .With("bias_initializer", BiasInitializer)
        .With("kernel_regularizer", KernelRegularizer).With("recurrent_regularizer", RecurrentRegularizer)
        .With("bias_regularizer", BiasRegularizer).With("activity_regularizer", null)
        .With("kernel_constraint", KernelConstraint).With("recurrent_constraint", RecurrentConstraint)
        .With("bias_constraint", BiasConstraint).With("dropout", Dropout).With("recurrent_dropout", RecurrentDropout);
}
