using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Gated recurrent unit, as Keras's GRU: gates z, r, h; kernel (in, 3u), recurrent kernel (u, 3u). With
/// <c>resetAfter</c> (the default since Keras 2.3) the bias is (2, 3u), input and recurrent rows, and the reset gate
/// multiplies the recurrent projection; without it the bias is (3u) and the reset gate multiplies the state first.
/// </summary>
public sealed class GRU : RecurrentLayer
{
    private Variable? _kernel;
    private Variable? _recurrentKernel;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public GRU(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null, Constraint? biasConstraint = null,
        double dropout = 0.0, double recurrentDropout = 0.0, bool returnSequences = false, bool returnState = false,
        bool goBackwards = false, bool stateful = false, bool resetAfter = true, string? name = null, bool trainable = true,
        ShapeArgument? inputShape = null, int? batchSize = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer,
            biasRegularizer, kernelConstraint, recurrentConstraint, biasConstraint, returnSequences, returnState, goBackwards, stateful,
            dropout, recurrentDropout, name, trainable, inputShape, batchSize)
    {
        RecurrentActivation = recurrentActivation ?? ActivationFunction.Sigmoid;
        ResetAfter = resetAfter;
    }

    /// <summary>Activation of the gates (sigmoid).</summary>
    public ActivationFunction RecurrentActivation { get; }
    /// <summary>Whether the reset gate applies after the recurrent matmul (Keras ≥ 2.3 default, libtorch's convention).</summary>
    public bool ResetAfter { get; }

    /// <inheritdoc />
    protected override int StateCount => 1;

    /// <inheritdoc />
    protected override void BuildCell(int inputDim)
    {
        string prefix = $"{Name}/gru_cell";
        _kernel = AddWeight("kernel", [inputDim, 3 * Units], KernelInitializer, regularizer: KernelRegularizer, constraint: KernelConstraint, pathPrefix: prefix);
        _recurrentKernel = AddWeight("recurrent_kernel", [Units, 3 * Units], RecurrentInitializer,
            regularizer: RecurrentRegularizer, constraint: RecurrentConstraint, pathPrefix: prefix);
        if (UseBias)
            _bias = AddWeight("bias", ResetAfter ? [2, 3 * Units] : [3 * Units], BiasInitializer,
                regularizer: BiasRegularizer, constraint: BiasConstraint, pathPrefix: prefix);
    }

    private Tensor? InputBias => _bias is null ? null : ResetAfter ? Ops.Select(_bias.Value, 0, 0) : _bias.Value;

    private Tensor? RecurrentBias => _bias is not null && ResetAfter ? Ops.Select(_bias.Value, 0, 1) : null;

    /// <inheritdoc />
    protected override Tensor ProjectInputs(Tensor inputs) => Ops.Linear(inputs, _kernel!, InputBias);

    /// <inheritdoc />
    protected override (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask)
    {
        var previous = states[0];
        var h = recurrentMask is null ? previous : Ops.Multiply(previous, recurrentMask);
        var x = Ops.Split(projected, 3, -1);   // z, r, h
        Tensor candidate;
        Tensor z, r;
        if (ResetAfter)
        {
            var recurrent = Ops.Split(Ops.Linear(h, _recurrentKernel!, RecurrentBias), 3, -1);
            z = RecurrentActivation.Apply(Ops.Add(x[0], recurrent[0]));
            r = RecurrentActivation.Apply(Ops.Add(x[1], recurrent[1]));
            candidate = Activation.Apply(Ops.Add(x[2], Ops.Multiply(r, recurrent[2])));
        }
        else
        {
            var u = Ops.Split(_recurrentKernel!.Value, 3, -1);
            z = RecurrentActivation.Apply(Ops.Add(x[0], Ops.Matmul(h, u[0])));
            r = RecurrentActivation.Apply(Ops.Add(x[1], Ops.Matmul(h, u[1])));
            candidate = Activation.Apply(Ops.Add(x[2], Ops.Matmul(Ops.Multiply(r, h), u[2])));
        }
        // h = z·h_prev + (1 − z)·candidate
        var next = Ops.Add(Ops.Multiply(z, previous), Ops.Multiply(Ops.Subtract(Ops.Ones([1]), z), candidate));
        return (next, [next]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithCellArguments(base.GetConfig(), RecurrentActivation).With("implementation", 2).With("reset_after", ResetAfter);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static GRU FromConfig(LayerConfig config) => config.Construct<GRU>();
}
