namespace TfFunctional.Metrics;

/// <summary>True/false positive/negative counts at fixed thresholds, accumulated over batches (the state of Precision, Recall, AUC).</summary>
internal sealed class ConfusionCounts(double[] thresholds)
{
    public double[] Thresholds { get; } = thresholds;
    public double[] TruePositives { get; } = new double[thresholds.Length];
    public double[] FalsePositives { get; } = new double[thresholds.Length];
    public double[] TrueNegatives { get; } = new double[thresholds.Length];
    public double[] FalseNegatives { get; } = new double[thresholds.Length];

    public void Update(Tensor yTrue, Tensor yPred)
    {
        using var scope = Ops.NewScope();
        using var noGrad = Ops.NoGrad();
        var truth = Ops.Cast(Ops.Reshape(yTrue, -1), DType.Float32).ToArray<float>();
        var predictions = Ops.Cast(Ops.Reshape(yPred, -1), DType.Float32).ToArray<float>();
        for (int i = 0; i < predictions.Length; i++)
        {
            bool positive = truth[i] > 0.5;
            for (int t = 0; t < Thresholds.Length; t++)
            {
                bool predicted = predictions[i] > Thresholds[t];
                if (predicted && positive) TruePositives[t]++;
                else if (predicted) FalsePositives[t]++;
                else if (positive) FalseNegatives[t]++;
                else TrueNegatives[t]++;
            }
        }
    }

    public void Reset()
    {
        foreach (var counts in new[] { TruePositives, FalsePositives, TrueNegatives, FalseNegatives }) Array.Clear(counts);
    }
}
