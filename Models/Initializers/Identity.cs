using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>The identity matrix times <c>gain</c>; only for 2-D shapes, as Keras.</summary>
public sealed class Identity(double gain = 1.0) : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => shape.Count == 2
        ? Ops.Eye(shape[0], shape[1], gain, dtype)
        : throw new ArgumentException($"Identity matrix initializer can only be used for 2D square matrices. Received: shape=({string.Join(", ", shape)}) of rank {shape.Count}.");

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["gain"] = gain };

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Identity FromConfig(Layers.LayerConfig config) => config.Construct<Identity>();
}
