namespace TfFunctional.Metrics;

/// <summary>
/// Area under the ROC curve, as Keras's AUC: counts at <c>numThresholds</c> evenly spaced thresholds (default 200,
/// with −ε and 1 + ε at the ends) and the trapezoidal rule on the (FPR, TPR) points.
/// </summary>
public sealed class AUC : Metric
{
    private readonly ConfusionCounts _counts;

    /// <summary>Creates the metric.</summary>
    public AUC(int numThresholds = 200, string name = "auc") : base(name)
    {
        if (numThresholds < 2) throw new ArgumentOutOfRangeException(nameof(numThresholds), $"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={numThresholds}");
        const double epsilon = 1e-7;
        var thresholds = new double[numThresholds];
        thresholds[0] = -epsilon;
        for (int i = 1; i < numThresholds - 1; i++) thresholds[i] = (double)i / (numThresholds - 1);
        thresholds[^1] = 1 + epsilon;
        _counts = new ConfusionCounts(thresholds);
    }

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => _counts.Update(yTrue, yPred);

    /// <inheritdoc />
    public override double Result()
    {
        double area = 0;
        for (int i = 0; i < _counts.Thresholds.Length - 1; i++)
        {
            double Tpr(int t) => _counts.TruePositives[t] / Math.Max(_counts.TruePositives[t] + _counts.FalseNegatives[t], 1e-7);
            double Fpr(int t) => _counts.FalsePositives[t] / Math.Max(_counts.FalsePositives[t] + _counts.TrueNegatives[t], 1e-7);
            area += (Fpr(i) - Fpr(i + 1)) * (Tpr(i) + Tpr(i + 1)) / 2;
        }
        return area;
    }

    /// <inheritdoc />
    public override void ResetState() => _counts.Reset();
}
