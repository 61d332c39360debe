namespace TfFunctional.Metrics;

/// <summary>How often the integer label is among the <c>k</c> highest predictions (Keras default k 5).</summary>
public sealed class SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy")
    : MeanMetricWrapper(name, (yTrue, yPred) =>
    {
        var labels = yTrue.Rank == yPred.Rank && yTrue.Shape[^1] == 1 ? Ops.Squeeze(yTrue, -1) : yTrue;
        return Ops.InTopK(yPred, Ops.Cast(labels, DType.Int64), k);
    });
