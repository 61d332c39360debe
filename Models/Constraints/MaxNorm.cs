using System.Text.Json.Nodes;

namespace TfFunctional.Constraints;

/// <summary>Rescales weights whose norm over <c>axis</c> exceeds <c>maxValue</c> (Keras defaults 2 and axis 0).</summary>
public sealed class MaxNorm(double maxValue = 2.0, params int[] axis) : Constraint
{
    private readonly int[] _axes = axis.Length == 0 ? [0] : axis;

    /// <inheritdoc />
    public override Tensor Call(Tensor w)
    {
        var norms = Norms(w, _axes);
        var desired = Ops.Clip(norms, 0, maxValue);
        return Ops.Multiply(w, Ops.Divide(desired, Ops.Add(norms, Ops.Full([], Epsilon))));
    }

    /// <inheritdoc />
    public override JsonObject GetConfig() => new() { ["max_value"] = maxValue, ["axis"] = AxisJson(_axes) };

    /// <summary>Makes the constraint from its Keras config; a missing entry means the constructor's default.</summary>
    public static MaxNorm FromConfig(Layers.LayerConfig config) => config.Construct<MaxNorm>();
}
