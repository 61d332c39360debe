namespace TfFunctional.Metrics;

/// <summary>
/// A stateful metric, as Keras's: <see cref="UpdateState"/> accumulates over batches, <see cref="Result"/> gives the
/// value so far, <see cref="ResetState"/> starts over (at each epoch).
/// </summary>
public abstract class Metric
{
    /// <summary>Creates the metric.</summary>
    protected Metric(string name) => Name = name;

    /// <summary>The name used in logs and <see cref="History"/> keys.</summary>
    public string Name { get; }

    /// <summary>Accumulates one batch.</summary>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>The value accumulated so far.</summary>
    public abstract double Result();

    /// <summary>Clears the accumulated state.</summary>
    public abstract void ResetState();

    /// <summary>
    /// Whether the values are weighed by the Keras mask of the output they read, as Keras's mean metrics (accuracies,
    /// errors) are; the confusion-matrix metrics (precision, recall, AUC) count every entry, as Keras's do.
    /// </summary>
    internal virtual bool FollowsMask => false;

    /// <summary>Every name Keras accepts for a metric here.</summary>
    public static IReadOnlyList<string> KnownNames { get; } =
    [
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "mean_squared_error", "mse", "mean_absolute_error", "mae", "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
        "precision", "recall", "auc",
    ];

    /// <summary>
    /// A metric by Keras name. <c>accuracy</c>/<c>acc</c> resolve on the first batch from the shapes, as Keras 3 does.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Metric Get(string name) => name switch
    {
        "accuracy" or "acc" => new Accuracy(name),
        "binary_accuracy" => new BinaryAccuracy(),
        "categorical_accuracy" => new CategoricalAccuracy(),
        "sparse_categorical_accuracy" => new SparseCategoricalAccuracy(),
        "mean_squared_error" or "mse" => new MeanMetricWrapper(name, (t, p) => new Losses.MeanSquaredError().Call(t, p)),
        "mean_absolute_error" or "mae" => new MeanMetricWrapper(name, (t, p) => new Losses.MeanAbsoluteError().Call(t, p)),
        "top_k_categorical_accuracy" => new TopKCategoricalAccuracy(),
        "sparse_top_k_categorical_accuracy" => new SparseTopKCategoricalAccuracy(),
        "precision" => new Precision(),
        "recall" => new Recall(),
        "auc" => new AUC(),
        _ => throw new ArgumentException($"Could not interpret metric identifier: {name}. Known: {string.Join(", ", KnownNames)}.", nameof(name)),
    };

    /// <summary>A Keras name converts to that metric.</summary>
    public static implicit operator Metric(string name) => Get(name);
}
