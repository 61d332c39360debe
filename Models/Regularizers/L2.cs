using System.Text.Json.Nodes;

namespace TfFunctional.Regularizers;

/// <summary><c>l2 · sum(x²)</c> (Keras default l2 = 0.01).</summary>
public sealed class L2(double l2 = 0.01) : Regularizer
{
    /// <summary>The factor.</summary>
    public double Factor => l2;

    /// <inheritdoc />
    public override Tensor Call(Tensor x) => Ops.Multiply(Ops.Sum(Ops.Square(x)), l2);

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["l2"] = l2 };

    /// <summary>Makes the regularizer from its Keras config; a missing entry means the constructor's default.</summary>
    public static L2 FromConfig(Layers.LayerConfig config) => config.Construct<L2>();
}
