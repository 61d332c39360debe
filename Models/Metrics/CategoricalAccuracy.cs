namespace TfFunctional.Metrics;

/// <summary>How often the arg-max of <c>yPred</c> matches the arg-max of one-hot <c>yTrue</c>.</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy")
    : MeanMetricWrapper(name, (yTrue, yPred) => Ops.Cast(Ops.Equal(Ops.Argmax(yTrue, -1), Ops.Argmax(yPred, -1)), DType.Float32));
