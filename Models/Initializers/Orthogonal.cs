using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>An orthogonal matrix times <c>gain</c> (the default recurrent initializer of Keras's RNNs).</summary>
public sealed class Orthogonal(double gain = 1.0, int? seed = null) : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.Orthogonal(shape, gain, seed, dtype);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["gain"] = gain, ["seed"] = seed };

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Orthogonal FromConfig(Layers.LayerConfig config) => config.Construct<Orthogonal>();
}
