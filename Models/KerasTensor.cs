using TfFunctional.Layers;

namespace TfFunctional;

/// <summary>
/// A symbolic tensor: the shape (batch dimension <c>None</c>), dtype and name of a value that flows through a model
/// under construction, and the <see cref="KerasHistory"/> of the layer call that made it.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(Shape shape, DType dtype, string name, KerasHistory history)
    {
        Shape = shape;
        DType = dtype;
        Name = name;
        KerasHistory = history;
    }

    /// <summary>The shape, with <c>null</c> for unknown dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>The dtype.</summary>
    public DType DType { get; }

    /// <summary>The name, e.g. <c>dense_1/BiasAdd:0</c> style names are not used: Keras 3's <c>keras_tensor_3</c>-like names are replaced by the layer's name.</summary>
    public string Name { get; }

    /// <summary>Which layer made this tensor, at which node (call), as which output.</summary>
    public KerasHistory KerasHistory { get; }

    /// <summary>The layer that made this tensor.</summary>
    public Layer Layer => KerasHistory.Layer;

    /// <summary>The node (layer call) that made this tensor.</summary>
    public Node Node => KerasHistory.Layer.InboundNodes[KerasHistory.NodeIndex];

    /// <inheritdoc />
    public override string ToString() =>
        $"KerasTensor(type_spec=TensorSpec(shape={Shape}, dtype={DType.KerasName()}, name='{Name}'), " +
        $"name='{Name}', description=\"created by layer '{Layer.Name}'\")";
}
