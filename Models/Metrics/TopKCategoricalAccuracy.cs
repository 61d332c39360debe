namespace TfFunctional.Metrics;

/// <summary>How often the one-hot target's class is among the <c>k</c> highest predictions (Keras default k 5).</summary>
public sealed class TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy")
    : MeanMetricWrapper(name, (yTrue, yPred) => Ops.InTopK(yPred, Ops.Argmax(yTrue, -1), k));
