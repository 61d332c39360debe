using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>Normal values (Keras defaults: mean 0, stddev 0.05).</summary>
public sealed class RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null) : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.RandomNormal(shape, mean, stddev, seed, dtype);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["mean"] = mean, ["stddev"] = stddev, ["seed"] = seed };

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static RandomNormal FromConfig(Layers.LayerConfig config) => config.Construct<RandomNormal>();
}
