using System.Text.Json.Nodes;

namespace TfFunctional.Regularizers;

/// <summary><c>l1 · sum(|x|) + l2 · sum(x²)</c> (Keras defaults 0 and 0).</summary>
public sealed class L1L2(double l1 = 0.0, double l2 = 0.0) : Regularizer
{
    /// <inheritdoc />
    public override Tensor Call(Tensor x) =>
        Ops.Add(Ops.Multiply(Ops.Sum(Ops.Abs(x)), l1), Ops.Multiply(Ops.Sum(Ops.Square(x)), l2));

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["l1"] = l1, ["l2"] = l2 };

    /// <summary>Makes the regularizer from its Keras config; a missing entry means the constructor's default.</summary>
    public static L1L2 FromConfig(Layers.LayerConfig config) => config.Construct<L1L2>();
}
