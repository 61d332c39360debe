using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>
/// A plain stack of layers, each feeding the next, as Keras's Sequential. The graph is made once the input shape is
/// known: from the first layer's <c>inputShape</c>/<c>inputDim</c>, an <see cref="InputLayer"/> added first, or
/// the first call or <see cref="Layer.Build(int?[])"/>.
/// </summary>
public sealed class Sequential : Model
{
    private readonly List<Layer> _stack = [];
    private readonly HashSet<string> _names = [];
    private InputLayer? _inputLayer;

    /// <summary>Creates the model, optionally from a list of layers.</summary>
    public Sequential(IEnumerable<Layer>? layers = null, string? name = null) : base(name)
    {
        // The graph is made once for the whole list (adding one by one remakes it each time).
        foreach (var layer in layers ?? []) Push(layer);
        if (_inputLayer is not null && _stack.Count > 0) Rebuild(_inputLayer);
    }

    /// <inheritdoc />
    public override string ClassName => "Sequential";

    /// <summary>The stacked layers (the input layer is not one of them, as in Keras).</summary>
    public override IReadOnlyList<Layer> Layers => _stack;

    /// <inheritdoc />
    protected override IEnumerable<Layer> SubLayers => _stack;

    /// <summary>Adds a layer on top of the stack.</summary>
    /// <exception cref="ArgumentException">The layer's name is taken, or its input does not fit the stack.</exception>
    public void Add(Layer layer)
    {
        if (!Push(layer) || _inputLayer is null) return;
        // Rebuild the graph up to the new top; an incompatible layer is removed again before the error surfaces.
        try { Rebuild(_inputLayer); }
        catch
        {
            _names.Remove(_stack[^1].Name);
            _stack.RemoveAt(_stack.Count - 1);
            throw;
        }
    }

    /// <summary>Puts a layer on the stack without connecting it; false for an input layer (which starts the stack).</summary>
    private bool Push(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer input)
        {
            if (_stack.Count > 0 || _inputLayer is not null)
                throw new ArgumentException("An InputLayer can only be added to an empty Sequential model.");
            _inputLayer = input;
            return false;
        }
        if (!_names.Add(layer.Name))
            throw new ArgumentException(
                $"All layers added to a Sequential model should have unique names. Name \"{layer.Name}\" is already the name of a layer in this model. " +
                "Update the `name` argument to pass a unique name.");
        if (_stack.Count == 0 && _inputLayer is null && layer.BatchInputShape is { } batchShape)
            _inputLayer = new InputLayer(batchShape.Slice(1..).Dims, batchShape[0], layer.DType, layer.Name + "_input");
        _stack.Add(layer);
        return true;
    }

    /// <summary>Starts the stack from a symbolic input (<c>model.Add(Keras.Input(shape: [16]))</c>).</summary>
    public void Add(KerasTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Layer is not InputLayer inputLayer)
            throw new ArgumentException($"Only an input tensor (from Keras.Input) can be added to a Sequential model; received {input}.");
        Add(inputLayer);
    }

    /// <summary>Removes the top layer.</summary>
    public void Pop()
    {
        if (_stack.Count == 0)
            throw new InvalidOperationException("There are no layers in the model.");
        _names.Remove(_stack[^1].Name);
        _stack.RemoveAt(_stack.Count - 1);
        if (_inputLayer is not null && _stack.Count > 0) Rebuild(_inputLayer);
    }

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        if (IsGraphReady) return;
        _inputLayer ??= new InputLayer(inputShape.Slice(1..).Dims, inputShape[0], DType.Float32,
            _stack.Count > 0 ? _stack[0].Name + "_input" : null);
        Rebuild(_inputLayer);
    }

    private void Rebuild(InputLayer inputLayer)
    {
        if (_stack.Count == 0) return;
        var x = inputLayer.Tensor;
        var last = x;
        foreach (var layer in _stack)
        {
            // Layers already connected to this input keep their node; only new ones are called.
            var existing = layer.InboundNodes.FirstOrDefault(n => n.InputTensors.Count == 1 && ReferenceEquals(n.InputTensors[0], last));
            if (existing is not null)
            {
                last = existing.OutputTensors[0];
                continue;
            }
            var outputs = layer.CallOutputs(last);
            if (outputs.Count != 1)
                throw new ArgumentException(
                    $"All layers in a Sequential model should have a single output tensor. For multi-output layers, use the functional API. Layer \"{layer.Name}\" has {outputs.Count} outputs.");
            last = outputs[0];
        }
        InitGraph([x], [last], inputsAreList: false, outputsAreList: false);
    }
}
