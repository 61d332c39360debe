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
        ShapeArgument? inputShape = null, int? batchSize = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer,
            biasRegularizer, kernelConstraint, recurrentConstraint, biasConstraint, returnSequences, returnState, goBackwards, stateful,
            dropout, recurrentDropout, name, trainable, inputShape, batchSize)
    {
    }

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
    public override LayerConfig GetConfig() => WithCellArguments(base.GetConfig());

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static SimpleRNN FromConfig(LayerConfig config) => config.Construct<SimpleRNN>();
}
