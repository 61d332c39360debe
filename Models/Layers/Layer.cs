using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// The base of every layer, as Keras's <c>Layer</c>: built from its input shape on the first call, it owns weights,
/// records each symbolic call as a <see cref="Node"/>, and runs eagerly on real tensors.
/// </summary>
public abstract class Layer : IDisposable
{
    private readonly List<Node> _inboundNodes = [];
    private readonly List<Node> _outboundNodes = [];
    private readonly List<Variable> _variables = [];
    private readonly Dictionary<Variable, (Regularizer? Regularizer, Constraint? Constraint)> _weightOptions = [];
    private readonly object _buildGate = new();

    [ThreadStatic]
    private static bool _skipInitializers;
    [ThreadStatic]
    private static long _loadBudgetElements;
    [ThreadStatic]
    private static long _loadLimitBytes;
    [ThreadStatic]
    private static long _loadedBytes;
    private bool _trainable;

    /// <summary>Creates a layer; <paramref name="name"/> defaults to the snake_cased class name made unique (<c>dense_1</c>).</summary>
    protected Layer(string? name = null, bool trainable = true, DType dtype = DType.Float32, ShapeArgument? inputShape = null, int? batchSize = null)
    {
        Name = name ?? Naming.UniqueName(Naming.ToSnakeCase(GetType().Name));
        if (Name.Length == 0)
            throw new ArgumentException("A layer name cannot be empty.", nameof(name));
        _trainable = trainable;
        DType = dtype;
        if (inputShape is not null)
            BatchInputShape = new Shape([batchSize, .. inputShape.Value.Dimensions]);
    }

    /// <summary>The layer's name, unique within a model.</summary>
    public string Name { get; private set; }

    /// <summary>Renames a layer before it is built (wrappers name their inner layers forward_…, backward_…).</summary>
    internal void Rename(string name)
    {
        if (Built) throw new InvalidOperationException($"Layer '{Name}' is built and can no longer be renamed.");
        Name = name;
    }

    /// <summary>Layers held inside this one's config (a wrapper's <c>layer</c>), serialized in the file's format.</summary>
    internal virtual IEnumerable<(string Key, Layer Layer)> NestedLayers => [];

    /// <summary>
    /// Keras's names of the call's tensor arguments when the layer takes its inputs as separate arguments rather than
    /// as one list (MultiHeadAttention: query, value, key), as model files write them; null for a single argument.
    /// </summary>
    internal virtual IReadOnlyList<string>? TensorArgumentNames => null;

    /// <summary>The class name written in Keras configs (<c>Dense</c>).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The dtype of the layer's weights and floating outputs.</summary>
    public DType DType { get; }

    /// <summary>True once the weights exist.</summary>
    public bool Built { get; private set; }

    /// <summary>Whether the layer's weights are updated in training; false freezes them (and every sublayer's).</summary>
    public virtual bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (var layer in SubLayers) layer.Trainable = value;
        }
    }

    /// <summary>The shape given as <c>inputShape</c> (with the batch dimension), for the first layer of a Sequential.</summary>
    public Shape? BatchInputShape { get; protected init; }

    /// <summary>The input rank and axis values this layer accepts.</summary>
    public InputSpec? InputSpec { get; protected set; }

    /// <summary>True when the layer passes an input mask through unchanged (Dense, Dropout, Activation, ...).</summary>
    public virtual bool SupportsMasking => false;

    /// <summary>True when the layer makes a mask of its own (Embedding with maskZero, Masking).</summary>
    public virtual bool CreatesMasks => false;

    /// <summary>False when <see cref="InputSpec"/> describes only the first input (a sequence beside its initial states).</summary>
    protected virtual bool InputSpecCoversAllInputs => true;

    /// <summary>True when the layer computes in floating point and refuses integer or boolean inputs.</summary>
    protected virtual bool RequiresFloatInputs => false;

    /// <summary>Layers this layer contains (wrapped layers, a model's layers); their weights are part of this layer's.</summary>
    protected virtual IEnumerable<Layer> SubLayers => [];

    /// <summary>Each call of this layer on symbolic tensors, in order.</summary>
    public IReadOnlyList<Node> InboundNodes => _inboundNodes;

    /// <summary>The calls of other layers that consumed this layer's outputs.</summary>
    public IReadOnlyList<Node> OutboundNodes => _outboundNodes;

    // ---- weights ---------------------------------------------------------------------------------------------------

    /// <summary>All weights: this layer's own, trainable then non-trainable, then those of its sublayers.</summary>
    public IReadOnlyList<Variable> Weights => Distinct(CollectWeights(trainable: null));

    /// <summary>The weights an optimizer updates.</summary>
    public IReadOnlyList<Variable> TrainableWeights => Trainable ? Distinct(CollectWeights(trainable: true)) : [];

    /// <summary>The weights no optimizer updates (moving statistics, frozen layers).</summary>
    public IReadOnlyList<Variable> NonTrainableWeights =>
        Trainable ? Distinct(CollectWeights(trainable: false)) : Weights;

    /// <summary>Number of scalars in all weights.</summary>
    public long CountParams()
    {
        if (!Built && this is not Model)
            throw new InvalidOperationException(
                $"You tried to call `count_params` on layer '{Name}', but the layer isn't built. You can build it manually via: `layer.Build(batchInputShape)`.");
        return Weights.Sum(w => w.Shape.Size ?? 0);
    }

    /// <summary>The weights' values as .NET arrays in Keras layout (Dense kernel (in, out)), in <see cref="Weights"/> order.</summary>
    public IReadOnlyList<Array> GetWeights() => Weights.Select(ToKerasArray).ToArray();

    /// <summary>Sets every weight from .NET arrays in Keras layout, in <see cref="Weights"/> order.</summary>
    /// <exception cref="ArgumentException">The count or a shape differs; nothing is changed then.</exception>
    public void SetWeights(IReadOnlyList<Array> weights)
    {
        var variables = Weights;
        if (weights.Count != variables.Count)
            throw new ArgumentException(
                $"You called `SetWeights(weights)` on layer \"{Name}\" with a weight list of length {weights.Count}, but the layer was expecting " +
                $"{variables.Count} weights. Provided weights: [{string.Join(", ", weights.Select(ArrayShape))}]");
        for (int i = 0; i < variables.Count; i++)
        {
            var expected = variables[i].Shape;
            var received = ArrayShape(weights[i]);
            // .NET has no 0-d arrays: GetWeights gives a scalar weight as one element, and takes it back so.
            if (expected != received && !(expected.Rank == 0 && received == new Shape(1)))
                throw new ArgumentException(
                    $"Layer {Name} weight shape {expected} is not compatible with provided weight shape {received} " +
                    $"(weight {i}: '{variables[i].Path}').");
        }
        for (int i = 0; i < variables.Count; i++)
            variables[i].Assign(weights[i]);
        OnWeightsChanged();
    }

    /// <summary>Called after <see cref="SetWeights"/>: a model drops what it derived from the old weights (an ONNX Runtime export).</summary>
    private protected virtual void OnWeightsChanged() { }

    /// <summary>
    /// Creates a weight of this layer, as Keras's <c>add_weight</c>; <paramref name="shape"/> is the Keras shape, and
    /// <paramref name="storageAxes"/> (optional) the permutation of it that the runtime computes with fastest.
    /// </summary>
    protected Variable AddWeight(string name, IReadOnlyList<int> shape, Initializer initializer, bool trainable = true,
        Regularizer? regularizer = null, Constraint? constraint = null, DType? dtype = null, int[]? storageAxes = null,
        string? pathPrefix = null)
    {
        using var scope = Ops.NewScope();
        string path = $"{pathPrefix ?? Name}/{name}";
        Variable variable;
        if (storageAxes is not null && _skipInitializers)
        {
            // Loading: zeros made in the runtime's layout at once, not in Keras's and then copied (a second buffer of the weight's size).
            CheckAllocation(name, shape, dtype ?? DType);
            var zeros = Ops.Zeros(storageAxes.Select(a => shape[a]).ToArray(), dtype ?? DType);
            variable = new Variable(name, path, zeros.Native.detach(), trainable, storageAxes);
        }
        else
        {
            var value = InitialValue(initializer, shape, dtype ?? DType, name);
            variable = storageAxes is null
                ? new Variable(name, path, value, trainable)
                : Variable.InRuntimeLayout(name, path, value, storageAxes, trainable);
        }
        return TrackWeight(variable, regularizer, constraint);
    }

    /// <summary>A weight's initial value: the initializer's, or zeros while loading (<see cref="WithoutInitializers{T}"/>).</summary>
    /// <remarks>Every weight's first value is made here, so this is where an impossible size is refused (by <paramref name="weight"/>'s name).</remarks>
    protected Tensor InitialValue(Initializer initializer, IReadOnlyList<int> shape, DType dtype = DType.Float32, string weight = "weight")
    {
        CheckAllocation(weight, shape, dtype);
        return _skipInitializers ? Ops.Zeros(shape, dtype) : initializer.Call(shape, dtype);
    }

    /// <summary>
    /// Builds layers inside <paramref name="build"/> with zero-filled weights instead of running their initializers:
    /// for loading, where every weight is replaced from the file anyway.
    /// </summary>
    /// <remarks>
    /// <paramref name="fileElements"/> is the number of weight values the file holds: weights the config asks for beyond
    /// it are refused before they are allocated (a config edit must not make a small file allocate gigabytes).
    /// </remarks>
    internal static T WithoutInitializers<T>(Func<T> build, long fileElements = long.MaxValue)
    {
        bool previous = _skipInitializers;
        long previousBudget = _loadBudgetElements, previousLoaded = _loadedBytes;
        _skipInitializers = true;
        _loadBudgetElements = fileElements;
        _loadedBytes = 0;
        try
        {
            return build();
        }
        finally
        {
            _skipInitializers = previous;
            _loadBudgetElements = previousBudget;
            _loadedBytes = previousLoaded;
        }
    }

    /// <summary>
    /// Runs <paramref name="load"/> with a limit on the bytes of weights a file may make the model allocate (the
    /// caller's <c>maxWeightBytes</c>); file readers check their weight data against <see cref="WeightBytesLimit"/> too.
    /// </summary>
    internal static T WithWeightBytesLimit<T>(long? maxBytes, Func<T> load)
    {
        long previous = _loadLimitBytes;
        _loadLimitBytes = maxBytes ?? 0;
        try
        {
            return load();
        }
        finally
        {
            _loadLimitBytes = previous;
        }
    }

    /// <summary>The limit set by <see cref="WithWeightBytesLimit{T}"/> on this thread, or null.</summary>
    internal static long? WeightBytesLimit => _loadLimitBytes > 0 ? _loadLimitBytes : null;

    /// <summary>The message of a load refused by <see cref="WeightBytesLimit"/>.</summary>
    internal static string OverLimit(double bytes, long limit) =>
        $"the model's weights need {Bytes(bytes)}, more than the {Bytes(limit)} allowed (maxWeightBytes: {limit})";

    /// <summary>
    /// Refuses a weight that cannot exist before anything native is asked for: more memory than the machine has (libtorch
    /// would abort or crash), or, while loading, more values than the file holds in all.
    /// </summary>
    private void CheckAllocation(string name, IReadOnlyList<int> shape, DType dtype)
    {
        double elements = shape.Aggregate(1.0, (p, d) => p * d);
        if (shape.Any(d => d < 0))
            throw new ArgumentException($"Layer '{Name}' ({ClassName}): weight '{name}' would have a negative dimension: ({string.Join(", ", shape)}).");
        double bytes = elements * dtype.ByteSize();
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > memory)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}): weight '{name}' of shape ({string.Join(", ", shape)}) needs {Bytes(bytes)}, more than this machine's memory ({Bytes(memory)}).");
        if (_skipInitializers && _loadBudgetElements != long.MaxValue)
        {
            if (elements > _loadBudgetElements)
                throw new Saving.KerasFormatException(
                    $"Layer '{Name}' ({ClassName}): its config makes weight '{name}' of shape ({string.Join(", ", shape)}), {elements:0} values, " +
                    "more than the file's weights hold in all; the config and the weights do not belong together.");
            _loadBudgetElements -= (long)elements;
        }
        if (_skipInitializers && WeightBytesLimit is long limit)
        {
            _loadedBytes += (long)bytes;
            if (_loadedBytes > limit)
                throw new Saving.KerasFormatException($"Layer '{Name}' ({ClassName}): weight '{name}' of shape ({string.Join(", ", shape)}): {OverLimit(_loadedBytes, limit)}.");
        }
    }

    private static string Bytes(double bytes) =>
        bytes >= 1 << 30 ? $"{bytes / (1 << 30):F1} GiB" : bytes >= 1 << 20 ? $"{bytes / (1 << 20):F1} MiB" : $"{bytes / 1024:F1} KiB";

    /// <summary>Makes <paramref name="variable"/> one of this layer's weights (for variables made by a fused kernel).</summary>
    protected Variable TrackWeight(Variable variable, Regularizer? regularizer = null, Constraint? constraint = null)
    {
        _variables.Add(variable);
        _weightOptions[variable] = (regularizer, constraint);
        return variable;
    }

    /// <summary>The regularization penalties of this layer's weights (and its sublayers'), as scalar tensors.</summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var losses = new List<Tensor>();
            foreach (var layer in SelfAndSubLayers().Distinct())
                foreach (var (variable, options) in layer._weightOptions)
                    if (options.Regularizer is { } regularizer)
                        losses.Add(regularizer.Call(variable.KerasValue));
            return losses;
        }
    }

    /// <summary>Applies each weight's constraint (after an optimizer step), as Keras does.</summary>
    internal void ApplyConstraints()
    {
        foreach (var layer in SelfAndSubLayers().Distinct())
            foreach (var (variable, options) in layer._weightOptions)
                if (options.Constraint is { } constraint)
                {
                    using var scope = Ops.NewScope();
                    variable.Assign(constraint.Call(variable.KerasValue));
                }
    }

    /// <summary>This layer's own variables (not its sublayers'), trainable first, as Keras 3 saves them under <c>vars</c>.</summary>
    internal IReadOnlyList<Variable> OwnVariables => _variables.Where(v => v.Trainable).Concat(_variables.Where(v => !v.Trainable)).ToArray();

    /// <summary>
    /// The groups of Keras 3's weights file for this layer under <paramref name="path"/>: each path, the name Keras records for it, and the
    /// variables saved in its <c>vars</c> group (a recurrent layer keeps its weights under <c>cell</c>, a model under <c>layers</c>).
    /// </summary>
    internal virtual IEnumerable<(string Path, string Name, IReadOnlyList<Variable> Variables)> KerasWeightTree(string path)
    {
        yield return (path, Name, OwnVariables);
    }

    /// <summary>The regularizer and constraint a weight was created with.</summary>
    protected (Regularizer? Regularizer, Constraint? Constraint) WeightOptions(Variable variable) => _weightOptions[variable];

    /// <summary>A weight's value in Keras layout; layers that keep another layout override this.</summary>
    protected virtual Array ToKerasArray(Variable variable) => ToNDArray(variable.KerasValue);

    private static Array ToNDArray(Tensor value) => value.DType switch
    {
        DType.Float64 => value.ToNDArray<double>(),
        DType.Int32 => value.ToNDArray<int>(),
        DType.Int64 => value.ToNDArray<long>(),
        _ => value.ToNDArray<float>(),
    };

    private static Shape ArrayShape(Array array) =>
        new(Enumerable.Range(0, array.Rank).Select(d => (int?)array.GetLength(d)).ToArray());

    private IEnumerable<Layer> SelfAndSubLayers() =>
        new[] { this }.Concat(SubLayers.SelectMany(l => l.SelfAndSubLayers()));

    private IEnumerable<Variable> CollectWeights(bool? trainable)
    {
        var own = _variables.Where(v => trainable is null ? true : v.Trainable == trainable);
        if (trainable is null)
            own = _variables.Where(v => v.Trainable).Concat(_variables.Where(v => !v.Trainable));
        var nested = SubLayers.SelectMany(l => trainable switch
        {
            null => l.Weights,
            true => l.TrainableWeights,
            false => l.NonTrainableWeights,
        });
        return own.Concat(nested);
    }

    private static IReadOnlyList<Variable> Distinct(IEnumerable<Variable> variables) => variables.Distinct().ToArray();

    // ---- building and shapes ---------------------------------------------------------------------------------------

    /// <summary>Creates the weights for inputs of <paramref name="inputShape"/> (batch dimension included, usually null).</summary>
    protected virtual void Build(Shape inputShape) { }

    /// <summary>Creates the weights for several inputs; layers called on lists override this.</summary>
    protected virtual void Build(IReadOnlyList<Shape> inputShapes) => Build(Single(inputShapes, "build"));

    /// <summary>The output shape for an input of <paramref name="inputShape"/>.</summary>
    public virtual Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <summary>The output shapes for the given inputs; layers with several inputs or outputs override this.</summary>
    public virtual IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes) =>
        [ComputeOutputShape(Single(inputShapes, "compute_output_shape"))];

    /// <summary>The dtype of each output: the layer's dtype for floating inputs, the input's dtype otherwise.</summary>
    protected virtual IReadOnlyList<DType> ComputeOutputDTypes(IReadOnlyList<DType> inputDTypes, int outputCount) =>
        Enumerable.Repeat(inputDTypes.Count > 0 && !inputDTypes[0].IsFloating() && !RequiresFloatInputs ? inputDTypes[0] : DType, outputCount).ToArray();

    /// <summary>Builds the layer for <paramref name="inputShape"/> unless it is built already.</summary>
    public void Build(params int?[] inputShape) => EnsureBuilt([new Shape(inputShape)], asList: false);

    internal void EnsureBuilt(IReadOnlyList<Shape> shapes, bool asList)
    {
        if (Built) return;
        lock (_buildGate)
        {
            if (Built) return;
            if (asList) Build(shapes);
            else Build(shapes[0]);
            Built = true;
        }
    }

    // ---- calls -----------------------------------------------------------------------------------------------------

    /// <summary>Calls the layer on one symbolic tensor: builds it if needed, checks the input and records a node.</summary>
    /// <param name="inputs">The input.</param>
    /// <param name="training">
    /// Keras's <c>training=</c> call argument: <c>false</c> runs this call in inference mode even while the model trains
    /// (<c>baseModel.Call(x, training: false)</c> keeps a frozen BatchNormalization on its moving statistics), <c>true</c>
    /// in training mode always; null (default) follows the model.
    /// </param>
    public KerasTensor Call(KerasTensor inputs, bool? training = null) => SingleOutput(CallSymbolic([inputs], asList: false, training));

    /// <summary>Calls the layer on a list of symbolic tensors (merge layers, models with several inputs).</summary>
    public KerasTensor Call(IReadOnlyList<KerasTensor> inputs, bool? training = null) => SingleOutput(CallSymbolic(inputs, asList: true, training));

    /// <summary>Calls the layer on one symbolic tensor and returns every output (layers and models with several outputs).</summary>
    public IReadOnlyList<KerasTensor> CallOutputs(KerasTensor inputs, bool? training = null) => CallSymbolic([inputs], asList: false, training);

    /// <summary>Calls the layer on a list of symbolic tensors and returns every output.</summary>
    public IReadOnlyList<KerasTensor> CallOutputs(IReadOnlyList<KerasTensor> inputs, bool? training = null) => CallSymbolic(inputs, asList: true, training);

    /// <summary>
    /// Calls the layer with an explicit mask, as Keras's <c>layer(x, mask=mask)</c>: <paramref name="mask"/> (the input's
    /// shape without its feature axis; non-zero = keep) replaces any mask the input carries. Files record it.
    /// </summary>
    /// <exception cref="ArgumentException">The mask's shape does not fit the input.</exception>
    public KerasTensor Call(KerasTensor inputs, KerasTensor mask, bool? training = null) =>
        SingleOutput(CallSymbolic([inputs], asList: false, training, [mask]));

    /// <summary>Calls the layer on a list with a mask per input (null where an input has none), as Keras's <c>layer([a, b], mask=[ma, None])</c>.</summary>
    public KerasTensor Call(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor?> masks, bool? training = null) =>
        SingleOutput(CallSymbolic(inputs, asList: true, training, masks));

    /// <summary>Calls the layer with an explicit mask and returns every output (an LSTM with <c>returnState</c>).</summary>
    public IReadOnlyList<KerasTensor> CallOutputs(KerasTensor inputs, KerasTensor mask, bool? training = null) =>
        CallSymbolic([inputs], asList: false, training, [mask]);

    /// <summary>Runs the layer eagerly on a real tensor (inference unless <paramref name="training"/>). The caller owns the result.</summary>
    public Tensor Call(Tensor inputs, bool training = false) => SingleOutput(CallEager([inputs], asList: false, training));

    /// <summary>Runs the layer eagerly on several real tensors. The caller owns the result.</summary>
    public Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false) => SingleOutput(CallEager(inputs, asList: true, training));

    /// <summary>The computation for one input, as Keras's <c>call</c>. Temporaries need no disposing: a scope frees them.</summary>
    protected virtual Tensor CallCore(Tensor inputs, CallContext context) =>
        throw new InvalidOperationException($"Layer '{Name}' ({ClassName}) must be called on a list of inputs.");

    /// <summary>The computation for several inputs or outputs; the default calls the single-input form.</summary>
    protected virtual IReadOnlyList<Tensor> CallCore(IReadOnlyList<Tensor> inputs, CallContext context) =>
        [CallCore(Single(inputs, "call"), context)];

    /// <summary>The output masks; by default the first input's mask passes through when masking is supported.</summary>
    public virtual IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        Enumerable.Repeat(SupportsMasking && masks.Count > 0 ? masks[0] : null, outputCount).ToArray();

    /// <summary>The computation for one input that gives several outputs (an LSTM with <c>returnState</c>).</summary>
    protected virtual IReadOnlyList<Tensor> CallCoreOutputs(Tensor inputs, CallContext context) => [CallCore(inputs, context)];

    internal IReadOnlyList<Tensor> Invoke(IReadOnlyList<Tensor> inputs, bool asList, CallContext context)
    {
        try
        {
            return asList ? CallCore(inputs, context) : CallCoreOutputs(inputs[0], context);
        }
        catch (Exception e) when (NativeError.Is(e))
        {
            // The native text (C++ frames included) stays out of the message: the layer, the shapes and the reason.
            throw new InvalidOperationException(
                $"Layer \"{Name}\" ({ClassName}) failed on input{(inputs.Count > 1 ? "s" : "")} of shape {string.Join(", ", inputs.Select(i => i.Shape))}: {NativeError.Reason(e)}.");
        }
    }

    internal IReadOnlyList<KerasTensor> CallSymbolic(IReadOnlyList<KerasTensor> inputs, bool asList, bool? training = null,
        IReadOnlyList<KerasTensor?>? masks = null, IReadOnlyDictionary<string, object?>? arguments = null)
    {
        if (inputs.Count == 0)
            throw new ArgumentException($"Layer \"{Name}\" was called on an empty list of inputs.");
        if (masks is not null) CheckMasks(inputs, masks);
        int nodeIndex = _inboundNodes.Count;
        var shapes = inputs.Select(t => t.Shape).ToArray();
        IReadOnlyList<Shape> outputShapes;
        IReadOnlyDictionary<string, object> resolved;
        try
        {
            resolved = ResolveCallArguments(arguments);
            CheckInputs(shapes, inputs.Select(t => t.DType).ToArray(), nodeIndex);
            EnsureBuilt(shapes, asList);
            CheckInputs(shapes, inputs.Select(t => t.DType).ToArray(), nodeIndex);
            outputShapes = ComputeOutputShapes(asList ? shapes : [shapes[0]], resolved);
        }
        catch (ArgumentException e)
        {
            throw WithNode(e, nodeIndex);
        }
        var dtypes = ComputeOutputDTypes(inputs.Select(t => t.DType).ToArray(), outputShapes.Count);
        var node = new Node(this, inputs.ToArray(), asList, outputShapes.Zip(dtypes).ToArray(), training, masks?.ToArray(), resolved);
        return node.OutputTensors;
    }

    /// <summary>No call arguments beside training and mask.</summary>
    internal static readonly IReadOnlyDictionary<string, object> NoCallArguments = new Dictionary<string, object>();

    /// <summary>
    /// The non-tensor arguments this layer's <c>call</c> takes beside <c>training</c> and <c>mask</c>, by Keras name
    /// (<c>use_causal_mask</c>), each with the value a call that does not give it uses (a bool, an int, a double or a
    /// string). Each call records them on its <see cref="Node"/>; files write them and read them back; the layer reads
    /// them with <see cref="CallArgument{T}"/>.
    /// </summary>
    protected internal virtual IReadOnlyDictionary<string, object> CallArgumentDefaults => NoCallArguments;

    /// <summary>The value of call argument <paramref name="name"/> in this call (the layer's default in an eager call).</summary>
    protected T CallArgument<T>(CallContext context, string name) =>
        (T)(context.Arguments.TryGetValue(name, out var value) ? value : CallArgumentDefaults[name]);

    /// <summary>Calls the layer on symbolic tensors with call arguments (null: the layer's default), as a subclass's typed <c>Call</c> overloads do.</summary>
    /// <exception cref="ArgumentException">An argument the call does not take, or a value of the wrong type.</exception>
    protected IReadOnlyList<KerasTensor> CallWithArguments(IReadOnlyList<KerasTensor> inputs, bool asList, IReadOnlyDictionary<string, object?> arguments) =>
        CallSymbolic(inputs, asList, arguments: arguments);

    /// <summary>Every argument the call takes, from the given ones and the defaults; unknown names and wrong types are refused.</summary>
    internal IReadOnlyDictionary<string, object> ResolveCallArguments(IReadOnlyDictionary<string, object?>? given)
    {
        var defaults = CallArgumentDefaults;
        if (given is null || given.Count == 0) return defaults.Count == 0 ? NoCallArguments : new Dictionary<string, object>(defaults);
        var resolved = new Dictionary<string, object>(defaults);
        foreach (var (name, value) in given)
        {
            if (!defaults.TryGetValue(name, out var fallback))
                throw new ArgumentException($"Layer \"{Name}\" ({ClassName}) does not take the call argument '{name}'" +
                    (defaults.Count > 0 ? $"; its call takes {string.Join(", ", defaults.Keys)}." : "."));
            if (value is null) continue;
            if (value.GetType() != fallback.GetType())
                throw new ArgumentException($"Layer \"{Name}\" ({ClassName}): call argument '{name}' should be a {fallback.GetType().Name}. Received: {name}={value}");
            resolved[name] = value;
        }
        return resolved;
    }

    /// <summary>
    /// The output shapes of a call with <paramref name="arguments"/> (every argument of <see cref="CallArgumentDefaults"/>);
    /// layers whose outputs depend on a call argument (return_attention_scores) override this.
    /// </summary>
    protected virtual IReadOnlyList<Shape> ComputeOutputShapes(IReadOnlyList<Shape> inputShapes, IReadOnlyDictionary<string, object> arguments) =>
        ComputeOutputShapes(inputShapes);

    /// <summary>Keras's masks: one per input, each of a shape the layer takes (<see cref="MaskShapeProblem"/>).</summary>
    private void CheckMasks(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor?> masks)
    {
        if (masks.Count != inputs.Count)
            throw new ArgumentException($"Layer \"{Name}\" was given {masks.Count} mask(s) for {inputs.Count} input(s); give one per input (null for none).");
        for (int i = 0; i < masks.Count; i++)
        {
            if (masks[i] is not { } mask) continue;
            if (MaskShapeProblem(i, inputs[i].Shape, mask.Shape) is { } problem)
                throw new ArgumentException($"Layer \"{Name}\": {problem}");
        }
    }

    /// <summary>
    /// Why a mask of <paramref name="maskShape"/> cannot go with input <paramref name="index"/> of
    /// <paramref name="inputShape"/> (null when it can): by default a mask has the input's shape without its feature
    /// axis; a layer that broadcasts its mask against its inputs (Softmax) takes other shapes.
    /// </summary>
    protected virtual string? MaskShapeProblem(int index, Shape inputShape, Shape maskShape)
    {
        var expected = inputShape.Slice(..^1);
        return Model.Compatible(expected, maskShape) ? null
            : $"the mask of input {index} has shape {maskShape}, but input {index} of shape {inputShape} takes a mask of shape {expected}.";
    }

    /// <summary>Adds the node index to a shape error that names this layer; errors in Keras's own words pass unchanged.</summary>
    private ArgumentException WithNode(ArgumentException error, int nodeIndex)
    {
        string prefix = $"Layer \"{Name}\":";
        if (error.Message.StartsWith(prefix, StringComparison.Ordinal))
            return new ArgumentException($"Layer \"{Name}\" (node {nodeIndex}):{error.Message[prefix.Length..]}", error);
        if (error.Message.Contains($"\"{Name}\"", StringComparison.Ordinal) || error.Message.Contains($"'{Name}'", StringComparison.Ordinal))
            return error;
        return new ArgumentException($"Layer \"{Name}\" ({ClassName}), node {nodeIndex}: {error.Message}", error);
    }

    private IReadOnlyList<Tensor> CallEager(IReadOnlyList<Tensor> inputs, bool asList, bool training)
    {
        var shapes = inputs.Select(t => t.Shape.WithDim(0, null)).ToArray();
        var dtypes = inputs.Select(t => t.DType).ToArray();
        CheckInputs(shapes, dtypes, nodeIndex: null);
        EnsureBuilt(shapes, asList);
        CheckInputs(shapes, dtypes, nodeIndex: null);
        var context = new CallContext(training);
        using var scope = Ops.NewScope();
        var outputs = Invoke(inputs, asList, context).ToArray();
        for (int i = 0; i < outputs.Length; i++)
        {
            // An identity in inference (Dropout, noise) returns its input: the caller owns the result, so it gets its own.
            if (inputs.Contains(outputs[i]) || Array.IndexOf(outputs, outputs[i]) < i) outputs[i] = Ops.Copy(outputs[i]);
            scope.Keep(outputs[i]);
        }
        return outputs;
    }

    private void CheckInputs(IReadOnlyList<Shape> shapes, IReadOnlyList<DType> dtypes, int? nodeIndex)
    {
        for (int i = 0; i < shapes.Count; i++)
        {
            if (RequiresFloatInputs && !dtypes[i].IsFloating())
                throw new ArgumentException(
                    $"Layer \"{Name}\" ({ClassName}){(nodeIndex is int n ? $", node {n}," : "")} expects floating-point inputs, but input {i} " +
                    $"has dtype {dtypes[i].KerasName()} (shape {shapes[i]}). Cast it to float32 first, or feed integer ids through an Embedding layer.");
            if (i == 0 || InputSpecCoversAllInputs) InputSpec?.Check(this, i, shapes[i]);
        }
    }

    internal int AddInboundNode(Node node)
    {
        lock (_inboundNodes)
        {
            _inboundNodes.Add(node);
            return _inboundNodes.Count - 1;
        }
    }

    /// <summary>Puts a model's own node first in its inbound nodes, replacing an earlier one (Sequential rebuilds).</summary>
    internal void SetSelfNode(Node node, bool replace)
    {
        lock (_inboundNodes)
        {
            if (replace && _inboundNodes.Count > 0) _inboundNodes[0] = node;
            else _inboundNodes.Insert(0, node);
        }
    }

    internal void AddOutboundNode(Node node)
    {
        lock (_outboundNodes) _outboundNodes.Add(node);
    }

    private T SingleOutput<T>(IReadOnlyList<T> outputs) => outputs.Count == 1
        ? outputs[0]
        : throw new InvalidOperationException($"Layer \"{Name}\" has {outputs.Count} outputs: use CallOutputs to receive all of them.");

    private T Single<T>(IReadOnlyList<T> items, string what) => items.Count == 1
        ? items[0]
        : throw new ArgumentException($"Layer \"{Name}\" ({ClassName}) expects a single input in `{what}`, but received {items.Count} inputs.");

    // ---- node-index API (Keras 2) -----------------------------------------------------------------------------------

    /// <summary>The input tensor of the only node; throws when the layer has several (use <see cref="GetInputAt"/>).</summary>
    public KerasTensor Input => GetInputAt(OnlyNode("input", "GetInputAt"));

    /// <summary>The output tensor of the only node; throws when the layer has several (use <see cref="GetOutputAt"/>).</summary>
    public KerasTensor Output => GetOutputAt(OnlyNode("output", "GetOutputAt"));

    /// <summary>The input shape, if every node has the same; otherwise throws (use <see cref="GetInputShapeAt"/>).</summary>
    public Shape InputShape => SameShape(_inboundNodes.Select(n => n.InputShapes[0]), "input shape", "GetInputShapeAt");

    /// <summary>The output shape, if every node has the same; otherwise throws (use <see cref="GetOutputShapeAt"/>).</summary>
    public Shape OutputShape => SameShape(_inboundNodes.Select(n => n.OutputShapes[0]), "output shape", "GetOutputShapeAt");

    /// <summary>The (first) input tensor of node <paramref name="nodeIndex"/>.</summary>
    public KerasTensor GetInputAt(int nodeIndex) => NodeAt(nodeIndex, "input").InputTensors[0];

    /// <summary>The (first) output tensor of node <paramref name="nodeIndex"/>.</summary>
    public KerasTensor GetOutputAt(int nodeIndex) => NodeAt(nodeIndex, "output").OutputTensors[0];

    /// <summary>Every input tensor of node <paramref name="nodeIndex"/>.</summary>
    public IReadOnlyList<KerasTensor> GetInputsAt(int nodeIndex) => NodeAt(nodeIndex, "input").InputTensors;

    /// <summary>Every output tensor of node <paramref name="nodeIndex"/>.</summary>
    public IReadOnlyList<KerasTensor> GetOutputsAt(int nodeIndex) => NodeAt(nodeIndex, "output").OutputTensors;

    /// <summary>The (first) input shape of node <paramref name="nodeIndex"/>.</summary>
    public Shape GetInputShapeAt(int nodeIndex) => NodeAt(nodeIndex, "input shape").InputShapes[0];

    /// <summary>The (first) output shape of node <paramref name="nodeIndex"/>.</summary>
    public Shape GetOutputShapeAt(int nodeIndex) => NodeAt(nodeIndex, "output shape").OutputShapes[0];

    private Node NodeAt(int nodeIndex, string what)
    {
        if (_inboundNodes.Count == 0)
            throw new InvalidOperationException($"The layer {Name} has never been called and thus has no defined {what}.");
        if (nodeIndex < 0 || nodeIndex >= _inboundNodes.Count)
            throw new ArgumentOutOfRangeException(nameof(nodeIndex),
                $"Asked to get {what} at node {nodeIndex}, but the layer has only {_inboundNodes.Count} inbound nodes.");
        return _inboundNodes[nodeIndex];
    }

    private int OnlyNode(string what, string method)
    {
        if (_inboundNodes.Count == 0)
            throw new InvalidOperationException($"Layer {Name} has no inbound nodes.");
        if (_inboundNodes.Count > 1)
            throw new InvalidOperationException(
                $"Layer {Name} has multiple inbound nodes, hence the notion of \"layer {what}\" is ill-defined. Use `{method}(nodeIndex)` instead.");
        return 0;
    }

    private Shape SameShape(IEnumerable<Shape> shapes, string what, string method)
    {
        var distinct = shapes.Distinct().ToArray();
        if (distinct.Length == 0)
            throw new InvalidOperationException($"The layer {Name} has never been called and thus has no defined {what}.");
        if (distinct.Length > 1)
            throw new InvalidOperationException(
                $"The layer \"{Name}\" has multiple inbound nodes, with different {what}s. Hence the notion of \"{what}\" is ill-defined " +
                $"for the layer. Use `{method}(nodeIndex)` instead.");
        return distinct[0];
    }

    // ---- config ----------------------------------------------------------------------------------------------------

    /// <summary>The layer's configuration with Keras's keys; subclasses add their constructor arguments.</summary>
    public virtual LayerConfig GetConfig()
    {
        var config = new LayerConfig(new()).With("name", Name).With("trainable", Trainable).With("dtype", DType.KerasName());
        if (BatchInputShape is not null)
            config.With("batch_input_shape", BatchInputShape);
        // Wrapped layers are part of the config (Keras's serialize_keras_object(self.layer)), so FromConfig can rebuild them.
        foreach (var (key, inner) in NestedLayers)
            config.With(key, inner is Model ? Saving.ModelConfig.SerializeLayer(inner, Saving.ConfigFormat.Keras2)
                : new System.Text.Json.Nodes.JsonObject { ["class_name"] = inner.ClassName, ["config"] = inner.GetConfig().Json });
        return config;
    }

    /// <summary>Frees the weights' native memory.</summary>
    public virtual void Dispose()
    {
        foreach (var variable in _variables) variable.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"<{ClassName} name={Name}, built={Built}>";
}
