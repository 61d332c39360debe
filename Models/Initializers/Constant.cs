using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>Every value equal to <c>value</c> (Keras default 0).</summary>
public sealed class Constant(double value = 0.0) : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.Full(shape, value, dtype);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["value"] = value };

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Constant FromConfig(Layers.LayerConfig config) => config.Construct<Constant>();
}
