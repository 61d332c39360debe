using System.Text.Json.Nodes;

namespace TfFunctional.Constraints;

/// <summary>
/// Moves weight norms over <c>axis</c> into [minValue, maxValue] at <c>rate</c> (Keras defaults 0, 1, rate 1, axis 0).
/// </summary>
public sealed class MinMaxNorm(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, params int[] axis) : Constraint
{
    private readonly int[] _axes = axis.Length == 0 ? [0] : axis;

    /// <inheritdoc />
    public override Tensor Call(Tensor w)
    {
        var norms = Norms(w, _axes);
        var desired = Ops.Add(Ops.Multiply(Ops.Clip(norms, minValue, maxValue), rate), Ops.Multiply(norms, 1 - rate));
        return Ops.Multiply(w, Ops.Divide(desired, Ops.Add(norms, Ops.Full([], Epsilon))));
    }

    /// <inheritdoc />
    public override JsonObject GetConfig() =>
        new() { ["min_value"] = minValue, ["max_value"] = maxValue, ["rate"] = rate, ["axis"] = AxisJson(_axes) };

    /// <summary>Makes the constraint from its Keras config; a missing entry means the constructor's default.</summary>
    public static MinMaxNorm FromConfig(Layers.LayerConfig config) => config.Construct<MinMaxNorm>();
}
