namespace TfFunctional.Metrics;

/// <summary>TP / (TP + FP) with predictions above <c>threshold</c> (Keras default 0.5) counted positive.</summary>
public sealed class Precision(double threshold = 0.5, string name = "precision") : Metric(name)
{
    private readonly ConfusionCounts _counts = new([threshold]);

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => _counts.Update(yTrue, yPred);

    /// <inheritdoc />
    public override double Result()
    {
        double predictedPositive = _counts.TruePositives[0] + _counts.FalsePositives[0];
        return predictedPositive == 0 ? 0 : _counts.TruePositives[0] / predictedPositive;
    }

    /// <inheritdoc />
    public override void ResetState() => _counts.Reset();
}
