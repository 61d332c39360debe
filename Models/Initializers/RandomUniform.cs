using System.Text.Json.Nodes;

namespace TfFunctional.Initializers;

/// <summary>Uniform values in [minval, maxval) (Keras defaults: −0.05, 0.05).</summary>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<int> shape, DType dtype = DType.Float32) => Ops.RandomUniform(shape, minval, maxval, seed, dtype);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["minval"] = minval, ["maxval"] = maxval, ["seed"] = seed };

    /// <summary>Makes the initializer from its Keras config; a missing entry means the constructor's default.</summary>
    public static RandomUniform FromConfig(Layers.LayerConfig config) => config.Construct<RandomUniform>();
}
