namespace TfFunctional.Losses;

/// <summary><c>−sum(l2_normalize(y)·l2_normalize(p), axis=-1)</c>: −1 for identical directions.</summary>
public sealed class CosineSimilarity(string name = "cosine_similarity") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Ops.L2Normalize(Align(yTrue, yPred), -1);
        return Ops.Multiply(Ops.Sum(Ops.Multiply(y, Ops.L2Normalize(yPred, -1)), -1), -1.0);
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static CosineSimilarity FromConfig(Layers.LayerConfig config) => config.Construct<CosineSimilarity>();
}
