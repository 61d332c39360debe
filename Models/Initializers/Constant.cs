using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>Every value equal to <c>value</c> (Keras default 0).</summary>
public sealed class Constant(double value = 0.0) : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.Full(shape, value, dtype);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["value"] = value };
}
