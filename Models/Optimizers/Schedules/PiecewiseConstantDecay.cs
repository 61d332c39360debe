namespace TfFunctional.Optimizers;

/// <summary><c>values[i]</c> while <c>boundaries[i−1] &lt; step ≤ boundaries[i]</c>; one more value than boundaries.</summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentException">The number of values is not one more than the number of boundaries.</exception>
    public PiecewiseConstantDecay(long[] boundaries, double[] values)
    {
        if (values.Length != boundaries.Length + 1)
            throw new ArgumentException($"The length of values should be one more than the length of boundaries. Received: boundaries of length {boundaries.Length}, values of length {values.Length}.");
        _boundaries = boundaries;
        _values = values;
    }

    /// <inheritdoc />
    public override double Call(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++)
            if (step <= _boundaries[i]) return _values[i];
        return _values[^1];
    }

    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig() => new()
    {
        ["boundaries"] = new System.Text.Json.Nodes.JsonArray(_boundaries.Select(b => (System.Text.Json.Nodes.JsonNode)b).ToArray()), ["values"] = new System.Text.Json.Nodes.JsonArray(_values.Select(v => (System.Text.Json.Nodes.JsonNode)v).ToArray()),
    };

    /// <summary>Makes the schedule from its Keras config; a missing entry means the constructor's default.</summary>
    public static PiecewiseConstantDecay FromConfig(Layers.LayerConfig config) => config.Construct<PiecewiseConstantDecay>();
}
