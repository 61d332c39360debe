namespace TfFunctional.Metrics;

/// <summary>How often <c>yPred &gt; threshold</c> matches a binary <c>yTrue</c> (Keras default threshold 0.5).</summary>
public sealed class BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5)
    : MeanMetricWrapper(name, (yTrue, yPred) =>
    {
        var t = yTrue.Rank == yPred.Rank - 1 ? Ops.ExpandDims(yTrue, -1) : yTrue;
        var predicted = Ops.Cast(Ops.Greater(yPred, threshold), yPred.DType);
        return Ops.Mean(Ops.Cast(Ops.Equal(Ops.Cast(t, yPred.DType), predicted), DType.Float32), -1);
    });
