namespace TfFunctional.Metrics;

/// <summary>How often the arg-max of <c>yPred</c> equals the integer label <c>yTrue</c>.</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy")
    : MeanMetricWrapper(name, (yTrue, yPred) =>
    {
        var labels = yTrue.Rank == yPred.Rank && yTrue.Shape[^1] == 1 ? Ops.Squeeze(yTrue, -1) : yTrue;
        return Ops.Cast(Ops.Equal(Ops.Cast(labels, DType.Int64), Ops.Argmax(yPred, -1)), DType.Float32);
    });
