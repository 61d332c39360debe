using System.Text.Json.Nodes;

namespace TfFunctional.Regularizers;

/// <summary><c>l1 · sum(|x|)</c> (Keras default l1 = 0.01).</summary>
public sealed class L1(double l1 = 0.01) : Regularizer
{
    /// <summary>The factor.</summary>
    public double Factor => l1;

    /// <inheritdoc />
    public override Tensor Call(Tensor x) => Ops.Multiply(Ops.Sum(Ops.Abs(x)), l1);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["l1"] = l1 };

    /// <summary>Makes the regularizer from its Keras config; a missing entry means the constructor's default.</summary>
    public static L1 FromConfig(Layers.LayerConfig config) => config.Construct<L1>();
}
