using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>
/// A functional model: the graph of layer calls between its symbolic <see cref="Inputs"/> and <see cref="Outputs"/>.
/// A model is a layer: calling it on new symbolic tensors reuses its weights.
/// </summary>
public partial class Model : Layer
{
    private IReadOnlyList<KerasTensor> _inputs = [];
    private IReadOnlyList<KerasTensor> _outputs = [];
    private FunctionalGraph? _graph;
    private bool _inputsAreList;
    private bool _outputsAreList;

    /// <summary>A model from one input to one output.</summary>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null) : base(name)
    {
        InitGraph([inputs], [outputs], inputsAreList: false, outputsAreList: false);
    }

    /// <summary>A model from a list of inputs to a list of outputs (their order is the order of data and predictions).</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) : base(name)
    {
        InitGraph(inputs, outputs, inputsAreList: inputs.Count != 1, outputsAreList: outputs.Count != 1);
    }

    /// <summary>A model from a list of inputs to one output.</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, KerasTensor outputs, string? name = null) : this(inputs, [outputs], name) { }

    /// <summary>A model from one input to a list of outputs.</summary>
    public Model(KerasTensor inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) : this([inputs], outputs, name) { }

    /// <summary>For subclasses that make their graph later (<see cref="Sequential"/>).</summary>
    protected Model(string? name) : base(name) { }

    /// <summary>The class name Keras 2.4+ writes for a functional model.</summary>
    public override string ClassName => GetType() == typeof(Model) ? "Functional" : base.ClassName;

    /// <summary>The symbolic input tensors, as Keras's <c>model.inputs</c>.</summary>
    public IReadOnlyList<KerasTensor> Inputs => _inputs;

    /// <summary>The symbolic output tensors, as Keras's <c>model.outputs</c>.</summary>
    public IReadOnlyList<KerasTensor> Outputs => _outputs;

    /// <summary>The names of the input layers, in order (the keys of dictionary-form data).</summary>
    public IReadOnlyList<string> InputNames => _inputs.Select(t => t.Layer.Name).ToArray();

    /// <summary>The names of the output layers, in order (the keys of dictionary-form targets and losses).</summary>
    public IReadOnlyList<string> OutputNames => _outputs.Select(t => t.Layer.Name).ToArray();

    /// <summary>Every layer of the model in Keras's order (input layers included for functional models).</summary>
    public virtual IReadOnlyList<Layer> Layers => Graph.Layers;

    /// <inheritdoc />
    protected override IEnumerable<Layer> SubLayers => _graph?.Layers ?? [];

    internal FunctionalGraph Graph => _graph ?? throw NotBuilt();

    internal bool IsGraphReady => _graph is not null;

    /// <summary>The layer named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No layer has that name.</exception>
    public Layer GetLayer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException(
            $"No such layer: {name}. Existing layers are: [{string.Join(", ", Layers.Select(l => $"'{l.Name}'"))}].", nameof(name));

    /// <summary>The layer at <paramref name="index"/> of <see cref="Layers"/>.</summary>
    public Layer GetLayer(int index) => index >= 0 && index < Layers.Count
        ? Layers[index]
        : throw new ArgumentOutOfRangeException(nameof(index),
            $"Was asked to retrieve layer at index {index} but model only has {Layers.Count} layers.");

    /// <summary>Sets up the graph; <see cref="Sequential"/> calls it again whenever a layer is added.</summary>
    protected void InitGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, bool inputsAreList, bool outputsAreList)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0 || outputs.Count == 0)
            throw new ArgumentException($"A model needs at least one input and one output (model \"{Name}\").");
        foreach (var input in inputs)
            if (input.Layer is not InputLayer)
                throw new ArgumentException(
                    $"Input tensors to a Functional model must come from `Keras.Input`. Received: {input} (missing previous layer metadata: it was made by layer \"{input.Layer.Name}\").");
        var duplicateInput = inputs.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (duplicateInput is not null)
            throw new ArgumentException($"The list of inputs passed to the model is redundant: {duplicateInput.Key.Layer.Name} appears {duplicateInput.Count()} times. All inputs should only appear once.");
        _graph = FunctionalGraph.Map(inputs, outputs);
        bool hadSelfNode = _inputs.Count > 0;
        if (!hadSelfNode && InboundNodes.Count > 0)
            throw new InvalidOperationException($"Model \"{Name}\" was called before its graph was made.");
        SetSelfNode(new Node(this, inputs.ToArray(), outputs.ToArray(), inputsAreList), replace: hadSelfNode);
        _inputs = inputs.ToArray();
        _outputs = outputs.ToArray();
        _inputsAreList = inputsAreList;
        _outputsAreList = outputsAreList;
        EnsureBuilt(inputs.Select(i => i.Shape).ToArray(), inputsAreList);
    }

    /// <inheritdoc />
    protected override void Build(Shape inputShape) { }

    /// <inheritdoc />
    protected override void Build(IReadOnlyList<Shape> inputShapes) { }

    /// <summary>Computes the output shapes for new input shapes by walking the graph without recording nodes.</summary>
    public override IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes)
    {
        var graph = Graph;
        CheckInputShapes(inputShapes);
        var shapes = new Shape?[graph.SlotCount];
        for (int i = 0; i < graph.InputSlots.Length; i++) shapes[graph.InputSlots[i]] = inputShapes[i];
        foreach (var step in graph.Steps)
        {
            var stepInputs = step.InputSlots.Select(s => shapes[s]!).ToArray();
            var stepOutputs = step.InputsAreList ? step.Layer.ComputeOutputShapes(stepInputs) : step.Layer.ComputeOutputShapes([stepInputs[0]]);
            for (int j = 0; j < step.OutputSlots.Length; j++) shapes[step.OutputSlots[j]] = stepOutputs[j];
        }
        return graph.OutputSlots.Select(s => shapes[s]!).ToArray();
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShapes([inputShape])[0];

    /// <inheritdoc />
    protected override IReadOnlyList<DType> ComputeOutputDTypes(IReadOnlyList<DType> inputDTypes, int outputCount) =>
        _outputs.Select(o => o.DType).ToArray();

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Run([inputs], context)[0];

    /// <inheritdoc />
    protected override IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context) => Run(inputs, context);

    /// <summary>
    /// Runs every node once, in order, on real tensors. Uses only locals: safe from many threads at once. When
    /// <paramref name="outputMasks"/> is given, it receives the Keras mask each output carries (null where none).
    /// </summary>
    internal IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs, CallContext context, Tensor?[]? outputMasks = null)
    {
        var graph = Graph;
        if (inputs.Count != graph.InputSlots.Length)
            throw new ArgumentException(
                $"Layer \"{Name}\" expects {graph.InputSlots.Length} input(s), but it received {inputs.Count} input tensors.");
        var values = new Tensor?[graph.SlotCount];
        Tensor?[]? masks = null;
        for (int i = 0; i < inputs.Count; i++)
        {
            values[graph.InputSlots[i]] = inputs[i];
            if (i < context.Masks.Count && context.Masks[i] is { } mask)
                (masks ??= new Tensor?[graph.SlotCount])[graph.InputSlots[i]] = mask;
        }
        var plain = context.Masks.Count == 0 ? context : context.WithMasks([]);
        foreach (var step in graph.Steps)
        {
            var stepInputs = new Tensor[step.InputSlots.Length];
            for (int j = 0; j < stepInputs.Length; j++) stepInputs[j] = values[step.InputSlots[j]]!;
            Tensor?[]? stepMasks = null;
            if (step.MaskSlots is { } maskSlots)
                // A mask given to the call (Keras's mask= argument) replaces the inputs' own.
                stepMasks = maskSlots.Select(s => s < 0 ? null : AsMask(values[s]!)).ToArray();
            else if (masks is not null)
                foreach (int slot in step.InputSlots)
                    if (masks[slot] is not null)
                    {
                        stepMasks = step.InputSlots.Select(s => masks[s]).ToArray();
                        break;
                    }
            var stepContext = stepMasks is null ? plain : plain.WithMasks(stepMasks);
            if (step.Node.Training is bool fixedMode) stepContext = stepContext.WithTraining(fixedMode);
            stepContext = stepContext.WithArguments(step.Node.Arguments);
            var outputs = step.Layer.Invoke(stepInputs, step.InputsAreList, stepContext);
            if (outputs.Count != step.OutputSlots.Length)
                throw new InvalidOperationException(
                    $"Layer \"{step.Layer.Name}\" (node {step.Node.Index}) returned {outputs.Count} outputs where {step.OutputSlots.Length} were expected.");
            for (int j = 0; j < outputs.Count; j++) values[step.OutputSlots[j]] = outputs[j];
            if (stepMasks is not null || step.Layer.CreatesMasks)
            {
                var stepOutputMasks = step.Layer.ComputeMasks(stepInputs, stepMasks ?? new Tensor?[stepInputs.Length], outputs.Count);
                for (int j = 0; j < stepOutputMasks.Count; j++)
                    if (stepOutputMasks[j] is { } produced)
                        (masks ??= new Tensor?[graph.SlotCount])[step.OutputSlots[j]] = produced;
            }
        }
        var results = new Tensor[graph.OutputSlots.Length];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = values[graph.OutputSlots[i]]!;
            if (outputMasks is not null) outputMasks[i] = masks?[graph.OutputSlots[i]];
        }
        return results;
    }

    /// <summary>A mask given as a tensor: true where a value is kept (any non-zero value, as Keras casts a mask to bool).</summary>
    private static Tensor AsMask(Tensor mask) => mask.DType == DType.Bool ? mask : Ops.Cast(mask, DType.Bool);

    /// <summary>Keras 3's object paths: the model's own group, then each layer under layers/ by snake-cased class name with a counter.</summary>
    internal override IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        yield return (path, Name, []);
        var used = new Dictionary<string, int>();
        string prefix = path.Length == 0 ? "layers" : $"{path}/layers";
        foreach (var layer in Layers)
        {
            string baseName = Naming.ToSnakeCase(layer.ClassName);
            int count = used.GetValueOrDefault(baseName, -1) + 1;
            used[baseName] = count;
            string name = count == 0 ? baseName : $"{baseName}_{count}";
            foreach (var group in layer.KerasWeightTree($"{prefix}/{name}")) yield return group;
        }
    }

    private void CheckInputShapes(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count != _inputs.Count)
            throw new ArgumentException(
                $"Layer \"{Name}\" expects {_inputs.Count} input(s), but it received {inputShapes.Count} input tensors.");
        for (int i = 0; i < inputShapes.Count; i++)
            if (!Compatible(_inputs[i].Shape, inputShapes[i]))
                throw new ArgumentException(
                    $"Input {i} of layer \"{Name}\" is incompatible with the layer: expected shape={_inputs[i].Shape}, found shape={inputShapes[i]}");
    }

    internal static bool Compatible(Shape expected, Shape actual) =>
        expected.Rank == actual.Rank && expected.Zip(actual).All(p => p.First is null || p.Second is null || p.First == p.Second);

    private InvalidOperationException NotBuilt() => new(
        $"Model \"{Name}\" has not yet been built. Build the model first by calling `Build(inputShape)` or by calling the model on a batch of data.");

    /// <summary>Frees the weights of every layer of the model (layers shared with other models included).</summary>
    public override void Dispose()
    {
        UseLibTorch();
        foreach (var layer in SubLayers.Distinct())
            if (!ReferenceEquals(layer, this)) layer.Dispose();
        base.Dispose();
    }
}
