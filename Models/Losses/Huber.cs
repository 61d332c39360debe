using System.Text.Json.Nodes;

namespace TfFunctional.Losses;

/// <summary>Huber loss: <c>½x²</c> for |x| ≤ delta, else <c>delta·|x| − ½delta²</c>, averaged over the last axis (Keras default delta 1).</summary>
public sealed class Huber(double delta = 1.0, string name = "huber_loss") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var error = Ops.Abs(Ops.Subtract(Align(yTrue, yPred), yPred));
        var quadratic = Ops.Clip(error, 0, delta);
        var linear = Ops.Subtract(error, quadratic);
        return Ops.Mean(Ops.Add(Ops.Multiply(Ops.Square(quadratic), 0.5), Ops.Multiply(linear, delta)), -1);
    }

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["delta"] = delta;
        return config;
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static Huber FromConfig(Layers.LayerConfig config) => config.Construct<Huber>();
}
