namespace TfFunctional.Layers;

/// <summary>The entry point of a model: has no weights and one node whose output is the symbolic input tensor.</summary>
public sealed class InputLayer : Layer
{
    /// <summary>Creates the layer and its symbolic output; <see cref="Keras.Input(ShapeArgument, DTypeArgument, string?, int?)"/> is the usual way.</summary>
    public InputLayer(ShapeArgument shape, int? batchSize = null, DTypeArgument dtype = default, string? name = null)
        : base(name ?? Naming.UniqueName("input", zeroBased: false), trainable: true, dtype)
    {
        BatchInputShape = new Shape([batchSize, .. shape.Dimensions]);
        var node = new Node(this, [], inputsAreList: false, [(BatchInputShape, dtype.DType)]);
        Tensor = node.OutputTensors[0];
        EnsureBuilt([BatchInputShape], asList: false);
    }

    /// <summary>The symbolic tensor this layer feeds into the model.</summary>
    public KerasTensor Tensor { get; }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new LayerConfig(new())
        .With("batch_input_shape", BatchInputShape).With("dtype", DType.KerasName())
        .With("sparse", false).With("ragged", false).With("name", Name);

    /// <summary>Creates the layer from its Keras config.</summary>
    public static InputLayer FromConfig(LayerConfig config)
    {
        var batchShape = config.Get<int?[]>("batch_input_shape") ?? config.Get<int?[]>("batch_shape")
            ?? throw new ArgumentException($"InputLayer config has no batch_input_shape: {config}");
        return new InputLayer(batchShape[1..], batchShape[0], DTypes.Parse(config.Get("dtype", "float32")), config.Name);
    }
}
