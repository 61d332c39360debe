using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// What Keras's RNN wrapper does for every recurrent layer: sequences (batch, time, features) in, the last output or
/// every output out (<c>returnSequences</c>), optional final states (<c>returnState</c>), time reversed
/// (<c>goBackwards</c>), states kept across batches (<c>stateful</c>), initial states as extra inputs, and masks:
/// a masked step keeps the previous state and repeats the previous output.
/// </summary>
public abstract class RecurrentLayer : Layer
{
    private Tensor[]? _statefulStates;

    /// <summary>Creates the layer.</summary>
    protected RecurrentLayer(int units, ActivationFunction? activation, bool useBias, Initializer? kernelInitializer,
        Initializer? recurrentInitializer, Initializer? biasInitializer, Regularizer? kernelRegularizer, Regularizer? recurrentRegularizer,
        Regularizer? biasRegularizer, Constraint? kernelConstraint, Constraint? recurrentConstraint, Constraint? biasConstraint,
        bool returnSequences, bool returnState, bool goBackwards, bool stateful,
        double dropout, double recurrentDropout, string? name, bool trainable, ShapeArgument? inputShape, int? batchSize)
        : base(name, trainable, inputShape: inputShape, batchSize: batchSize)
    {
        if (units <= 0)
            throw new ArgumentOutOfRangeException(nameof(units), $"Received an invalid value for argument `units`, expected a positive integer, got {units}.");
        if (dropout is < 0 or > 1 || recurrentDropout is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), $"`dropout` and `recurrent_dropout` must be in [0, 1]. Received: {dropout}, {recurrentDropout}");
        Units = units;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        Stateful = stateful;
        Dropout = dropout;
        RecurrentDropout = recurrentDropout;
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
        InputSpec = new InputSpec(Ndim: 3);
    }

    /// <summary>Size of the output and of each state.</summary>
    public int Units { get; }
    /// <summary>Whether every time step's output is returned (batch, time, units) rather than the last (batch, units).</summary>
    public bool ReturnSequences { get; }
    /// <summary>Whether the final states are returned after the output.</summary>
    public bool ReturnState { get; }
    /// <summary>Whether the sequence is processed backwards (outputs come in reversed order).</summary>
    public bool GoBackwards { get; }
    /// <summary>Whether the final states of a batch are the initial states of the next.</summary>
    public bool Stateful { get; }
    /// <summary>Fraction of the inputs dropped while training (one mask per sequence).</summary>
    public double Dropout { get; }
    /// <summary>Fraction of the recurrent state dropped while training.</summary>
    public double RecurrentDropout { get; }
    /// <summary>Activation of the state or candidate (tanh).</summary>
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

    /// <summary>Number of states (LSTM 2: h and c; GRU and SimpleRNN 1).</summary>
    protected abstract int StateCount { get; }

    /// <summary>Whether outputs of masked steps are zeros instead of the previous output (Bidirectional sets it).</summary>
    internal bool ZeroOutputForMask { get; set; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <summary>Creates the cell's weights for inputs of <paramref name="inputDim"/> features.</summary>
    protected abstract void BuildCell(int inputDim);

    /// <summary>
    /// The projections of every time step's input that do not depend on the state (one matmul for the whole
    /// sequence): (batch, time, k·units).
    /// </summary>
    protected abstract Tensor ProjectInputs(Tensor inputs);

    /// <summary>One time step from the projected input: the output and the new states.</summary>
    protected abstract (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask);

    /// <summary>Runs the whole sequence in one fused kernel, when the layer has one for this call; else null.</summary>
    protected virtual (Tensor Sequence, Tensor[] States)? TryFused(Tensor inputs, Tensor[]? initialStates, CallContext context) => null;

    /// <inheritdoc />
    protected override void Build(Shape inputShape) => BuildFromSequence(inputShape);

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes) => BuildFromSequence(inputShapes[0]);

    private void BuildFromSequence(Shape sequence)
    {
        if (sequence.Rank != 3)
            throw new ArgumentException(
                $"Input 0 of layer \"{Name}\" is incompatible with the layer: expected ndim=3, found ndim={sequence.Rank}. Full shape received: {sequence}");
        int inputDim = sequence[2] ?? throw new ArgumentException($"Layer \"{Name}\": the feature dimension of its input must be known. Received: {sequence}");
        BuildCell(inputDim);
        InputSpec = new InputSpec(Ndim: 3, Axes: new Dictionary<int, int> { [-1] = inputDim });
    }

    /// <inheritdoc />
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        var sequence = inputShapes[0];
        if (inputShapes.Count > 1 && inputShapes.Count != 1 + StateCount)
            throw new ArgumentException($"Layer \"{Name}\" expects {StateCount} initial state tensor(s), but received {inputShapes.Count - 1}.");
        for (int i = 1; i < inputShapes.Count; i++)
            if (inputShapes[i].Rank != 2 || (inputShapes[i][1] is int u && u != Units))
                throw new ArgumentException($"Layer \"{Name}\": initial state {i - 1} must have shape (batch, {Units}). Received: {inputShapes[i]}");
        var output = ReturnSequences ? new Shape(sequence[0], sequence[1], Units) : new Shape(sequence[0], Units);
        if (!ReturnState) return [output];
        return [output, .. Enumerable.Repeat(new Shape(sequence[0], Units), StateCount)];
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShapes([inputShape])[0];

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount)
    {
        var outputMask = ReturnSequences && masks.Count > 0 ? masks[0] : null;
        return [outputMask, .. Enumerable.Repeat<Tensor?>(null, outputCount - 1)];
    }

    /// <inheritdoc />
    protected override bool InputSpecCoversAllInputs => false;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => CallCore([inputs], context)[0];

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCoreOutputs(Tensor inputs, CallContext context) => CallCore([inputs], context);

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context)
    {
        var sequence = inputs[0];
        long batch = sequence.Shape[0]!.Value;
        Tensor[]? initial = inputs.Count > 1 ? inputs.Skip(1).ToArray() : null;
        if (initial is null && Stateful && _statefulStates is not null)
        {
            if (_statefulStates[0].Shape[0] != batch)
                throw new ArgumentException($"Stateful layer \"{Name}\" was run with batch size {_statefulStates[0].Shape[0]}, now {batch}: a stateful RNN needs a fixed batch size.");
            initial = _statefulStates;
        }
        var mask = context.Mask;
        if (Dropout > 0 && context.Training)
        {
            // Keras: one dropout mask per sequence, the same at every time step.
            var keep = Ops.Dropout(Ops.Ones([(int)batch, sequence.Shape[2]!.Value], sequence.DType), Dropout, training: true);
            sequence = Ops.Multiply(sequence, Ops.ExpandDims(keep, 1));
        }
        if (GoBackwards)
        {
            sequence = Ops.Flip(sequence, 1);
            if (mask is not null) mask = Ops.Flip(mask, 1);
        }

        (Tensor Sequence, Tensor[] States) result;
        var fused = mask is null && !(RecurrentDropout > 0 && context.Training) ? TryFused(sequence, initial, context) : null;
        result = fused ?? StepLoop(sequence, initial, mask, context);

        if (Stateful)
            _statefulStates = result.States.Select(s => Ops.Detached(Ops.Copy(s))).ToArray();
        var output = ReturnSequences ? result.Sequence : Ops.Select(result.Sequence, 1, sequence.Shape[1]!.Value - 1);
        if (!ReturnSequences && mask is not null)
            output = result.States[0];   // with a mask, the last output is the state after the last unmasked step
        return ReturnState ? [output, .. result.States] : [output];
    }

    private (Tensor Sequence, Tensor[] States) StepLoop(Tensor sequence, Tensor[]? initial, Tensor? mask, CallContext context)
    {
        int batch = sequence.Shape[0]!.Value, steps = sequence.Shape[1]!.Value;
        var states = initial ?? Enumerable.Range(0, StateCount).Select(_ => Ops.Zeros([batch, Units], sequence.DType)).ToArray();
        Tensor? recurrentMask = RecurrentDropout > 0 && context.Training
            ? Ops.Dropout(Ops.Ones([batch, Units], sequence.DType), RecurrentDropout, training: true)
            : null;
        var projected = ProjectInputs(sequence);
        var outputs = new Tensor[steps];
        Tensor previousOutput = ZeroOutputForMask ? Ops.Zeros([batch, Units], sequence.DType) : states[0];
        for (int t = 0; t < steps; t++)
        {
            var (output, next) = Step(Ops.Select(projected, 1, t), states, recurrentMask);
            if (mask is not null)
            {
                // Keras: a masked step keeps the previous states; its output repeats the previous one (or is zero).
                var keep = Ops.ExpandDims(Ops.Select(mask, 1, t), -1);
                next = next.Select((s, i) => Ops.Where(keep, s, states[i])).ToArray();
                output = Ops.Where(keep, output, ZeroOutputForMask ? Ops.Zeros([batch, Units], output.DType) : previousOutput);
            }
            outputs[t] = output;
            previousOutput = output;
            states = next;
        }
        return (Ops.Stack(outputs, 1), states);
    }

    /// <inheritdoc />
    internal override IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        // Keras 3 keeps a recurrent layer's weights in its cell: layers/lstm/cell/vars/0.
        yield return (path, Name, []);
        yield return ($"{path}/cell", $"{Naming.ToSnakeCase(ClassName)}_cell", OwnVariables);
    }

    /// <summary>Clears the states of a stateful layer (the next batch starts from zeros).</summary>
    public void ResetStates()
    {
        foreach (var state in _statefulStates ?? []) state.Dispose();
        _statefulStates = null;
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("return_sequences", ReturnSequences).With("return_state", ReturnState).With("go_backwards", GoBackwards)
        .With("stateful", Stateful).With("unroll", false).With("units", Units);

    /// <summary>
    /// Adds the cell's arguments to <paramref name="config"/> under Keras's keys, in Keras's order, with the gates'
    /// activation (LSTM, GRU) and <c>unit_forget_bias</c> (LSTM) where given.
    /// </summary>
    protected LayerConfig WithCellArguments(LayerConfig config, ActivationFunction? recurrentActivation = null, bool? unitForgetBias = null)
    {
        config.With("activation", Activation);
        if (recurrentActivation is not null) config.With("recurrent_activation", recurrentActivation);
        config.With("use_bias", UseBias).With("kernel_initializer", KernelInitializer).With("recurrent_initializer", RecurrentInitializer)
            .With("bias_initializer", BiasInitializer);
        if (unitForgetBias is bool forget) config.With("unit_forget_bias", forget);
        return config
            .With("kernel_regularizer", KernelRegularizer).With("recurrent_regularizer", RecurrentRegularizer)
            .With("bias_regularizer", BiasRegularizer).With("activity_regularizer", null)
            .With("kernel_constraint", KernelConstraint).With("recurrent_constraint", RecurrentConstraint)
            .With("bias_constraint", BiasConstraint).With("dropout", Dropout).With("recurrent_dropout", RecurrentDropout);
    }
}
