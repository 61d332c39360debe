namespace TfFunctional.Losses;

/// <summary><c>sum(y·log(y / p), axis=-1)</c> with both clipped to [ε, 1].</summary>
public sealed class KLDivergence(string name = "kl_divergence") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Ops.Clip(Align(yTrue, yPred), Epsilon, 1);
        var p = Ops.Clip(yPred, Epsilon, 1);
        return Ops.Sum(Ops.Multiply(y, Ops.Log(Ops.Divide(y, p))), -1);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static KLDivergence FromConfig(Layers.LayerConfig config) => config.Construct<KLDivergence>();
}
