using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Long short-term memory, as Keras's LSTM: kernel (in, 4u), recurrent kernel (u, 4u), one bias (4u), gates i, f, c, o.
/// With Keras's default activations and no mask or recurrent dropout it runs libtorch's fused kernel; otherwise a step
/// loop on the same weights (both give the same numbers).
/// </summary>
public sealed class LSTM : RecurrentLayer
{
    private FusedLstm? _fused;

    /// <summary>Creates the layer with Keras's arguments and defaults.</summary>
    public LSTM(int units, ActivationFunction? activation = null, ActivationFunction? recurrentActivation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true, Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null,
        Regularizer? biasRegularizer = null, Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null,
        Constraint? biasConstraint = null, double dropout = 0.0, double recurrentDropout = 0.0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, string? name = null, bool trainable = true,
        ShapeArgument? inputShape = null, int? batchSize = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, kernelRegularizer, recurrentRegularizer,
            biasRegularizer, kernelConstraint, recurrentConstraint, biasConstraint, returnSequences, returnState, goBackwards, stateful,
            dropout, recurrentDropout, name, trainable, inputShape, batchSize)
    {
        RecurrentActivation = recurrentActivation ?? ActivationFunction.Sigmoid;
        UnitForgetBias = unitForgetBias;
    }

    /// <summary>Activation of the gates (sigmoid).</summary>
    public ActivationFunction RecurrentActivation { get; }
    /// <summary>Whether the forget gate's bias starts at 1.</summary>
    public bool UnitForgetBias { get; }

    /// <inheritdoc />
    protected override int StateCount => 2;

    private FusedLstm Cell => _fused ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc />
    protected override void BuildCell(int inputDim)
    {
        using var scope = Ops.NewScope();
        var kernel = InitialValue(KernelInitializer, [inputDim, 4 * Units], weight: "kernel");
        var recurrent = InitialValue(RecurrentInitializer, [Units, 4 * Units], weight: "recurrent_kernel");
        Tensor? bias = null;
        if (UseBias)
        {
            bias = InitialValue(BiasInitializer, [4 * Units], weight: "bias");
            if (UnitForgetBias)
                bias = Ops.Concatenate([Ops.Narrow(bias, 0, 0, Units), Ops.Ones([Units]), Ops.Narrow(bias, 0, 2 * Units, 2 * Units)], 0);
        }
        // Keras 3 paths: lstm/lstm_cell/kernel.
        _fused = new FusedLstm(inputDim, Units, kernel, recurrent, bias, $"{Name}/lstm_cell", Trainable);
        TrackWeight(_fused.Kernel, KernelRegularizer, KernelConstraint);
        TrackWeight(_fused.RecurrentKernel, RecurrentRegularizer, RecurrentConstraint);
        if (_fused.Bias is not null) TrackWeight(_fused.Bias, BiasRegularizer, BiasConstraint);
    }

    /// <inheritdoc />
    protected override (Tensor Sequence, Tensor[] States)? TryFused(Tensor inputs, Tensor[]? initialStates, CallContext context)
    {
        if (Activation.Name != "tanh" || RecurrentActivation.Name != "sigmoid") return null;
        var (sequence, h, c) = Cell.Forward(inputs, initialStates?[0], initialStates?[1]);
        return (sequence, [h, c]);
    }

    /// <inheritdoc />
    protected override Tensor ProjectInputs(Tensor inputs) => Ops.LinearTransposed(inputs, Cell.Kernel.Value, Cell.Bias?.Value);

    /// <inheritdoc />
    protected override (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask)
    {
        var h = recurrentMask is null ? states[0] : Ops.Multiply(states[0], recurrentMask);
        var z = Ops.Add(projected, Ops.LinearTransposed(h, Cell.RecurrentKernel.Value, null));
        var gates = Ops.Split(z, 4, -1);   // i, f, c, o
        var i = RecurrentActivation.Apply(gates[0]);
        var f = RecurrentActivation.Apply(gates[1]);
        var c = Ops.Add(Ops.Multiply(f, states[1]), Ops.Multiply(i, Activation.Apply(gates[2])));
        var o = RecurrentActivation.Apply(gates[3]);
        var hNext = Ops.Multiply(o, Activation.Apply(c));
        return (hNext, [hNext, c]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithCellArguments(base.GetConfig(), RecurrentActivation, UnitForgetBias).With("implementation", 2);

    /// <inheritdoc />
    public override void Dispose()
    {
        _fused?.Dispose();
        base.Dispose();
    }

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static LSTM FromConfig(LayerConfig config) => config.Construct<LSTM>();
}
