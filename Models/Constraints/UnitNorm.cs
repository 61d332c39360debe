using System.Text.Json.Nodes;

namespace TfFunctional.Constraints;

/// <summary>Scales weights to unit L2 norm over <c>axis</c> (Keras default 0).</summary>
public sealed class UnitNorm(params int[] axis) : Constraint
{
    private readonly int[] _axes = axis.Length == 0 ? [0] : axis;

    /// <inheritdoc />
    public override Tensor Call(Tensor w) => Ops.Divide(w, Ops.Add(Norms(w, _axes), Ops.Full([], Epsilon)));

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["axis"] = AxisJson(_axes) };

    /// <summary>Makes the constraint from its Keras config; a missing entry means the constructor's default.</summary>
    public static UnitNorm FromConfig(Layers.LayerConfig config) => config.Construct<UnitNorm>();
}
