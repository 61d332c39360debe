namespace TfFunctional.Metrics;

/// <summary>TP / (TP + FN) with predictions above <c>threshold</c> (Keras default 0.5) counted positive.</summary>
public sealed class Recall(double threshold = 0.5, string name = "recall") : Metric(name)
{
    private readonly ConfusionCounts _counts = new([threshold]);

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => _counts.Update(yTrue, yPred);

    /// <inheritdoc />
    public override double Result()
    {
        double positive = _counts.TruePositives[0] + _counts.FalseNegatives[0];
        return positive == 0 ? 0 : _counts.TruePositives[0] / positive;
    }

    /// <inheritdoc />
    public override void ResetState() => _counts.Reset();
}
