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
        int?[]? inputShape = null, int? batchSize = null)
        : base(units, returnSequences, returnState, goBackwards, stateful, dropout, recurrentDropout, name, trainable, inputShape, batchSize)
    {
        Activation = activation ?? ActivationFunction.Tanh;
        RecurrentActivation = recurrentActivation ?? ActivationFunction.Sigmoid;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        RecurrentInitializer = recurrentInitializer ?? new Orthogonal();
        BiasInitializer = biasInitializer ?? new Zeros();
        UnitForgetBias = unitForgetBias;
        KernelRegularizer = kernelRegularizer;
        RecurrentRegularizer = recurrentRegularizer;
        BiasRegularizer = biasRegularizer;
        KernelConstraint = kernelConstraint;
        RecurrentConstraint = recurrentConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>Activation of the cell candidate and output (tanh).</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Activation of the gates (sigmoid).</summary>
    public ActivationFunction RecurrentActivation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>Initializes the input kernel.</summary>
    public Initializer KernelInitializer { get; }
    /// <summary>Initializes the recurrent kernel.</summary>
    public Initializer RecurrentInitializer { get; }
    /// <summary>Initializes the bias.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>Whether the forget gate's bias starts at 1.</summary>
    public bool UnitForgetBias { get; }
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
    protected override int StateCount => 2;

    private FusedLstm Cell => _fused ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc />
    protected override void BuildCell(int inputDim)
    {
        using var scope = Ops.NewScope();
        var kernel = InitialValue(KernelInitializer, [inputDim, 4 * Units]);
        var recurrent = InitialValue(RecurrentInitializer, [Units, 4 * Units]);
        Tensor? bias = null;
        if (UseBias)
        {
            bias = InitialValue(BiasInitializer, [4 * Units]);
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
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("activation", Activation).With("recurrent_activation", RecurrentActivation).With("use_bias", UseBias)
        .With("kernel_initializer", KernelInitializer).With("recurrent_initializer", RecurrentInitializer)
        .With("bias_initializer", BiasInitializer).With("unit_forget_bias", UnitForgetBias)
        .With("kernel_regularizer", KernelRegularizer).With("recurrent_regularizer", RecurrentRegularizer)
        .With("bias_regularizer", BiasRegularizer).With("activity_regularizer", null)
        .With("kernel_constraint", KernelConstraint).With("recurrent_constraint", RecurrentConstraint)
        .With("bias_constraint", BiasConstraint).With("dropout", Dropout).With("recurrent_dropout", RecurrentDropout)
        .With("implementation", 2);

    /// <inheritdoc />
    public override void Dispose()
    {
        _fused?.Dispose();
        base.Dispose();
    }
}
