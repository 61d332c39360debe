namespace TfFunctional.Metrics;

/// <summary>
/// Keras's <c>"accuracy"</c>: resolved on the first batch from the shapes (Keras 3 compile_utils): predictions with a
/// last axis of 1 → binary; labels of lower rank, or a last axis of 1 against several classes → sparse; else categorical.
/// The metric keeps the name the user gave (<c>acc</c> stays <c>acc</c>).
/// </summary>
public sealed class Accuracy(string name = "accuracy") : Metric(name)
{
    private Metric? _resolved;

    /// <summary>The concrete metric, once resolved.</summary>
    public Metric? Resolved => _resolved;

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        _resolved ??= Resolve(yTrue.Shape, yPred.Shape, Name);
        _resolved.UpdateState(yTrue, yPred, sampleWeight);
    }

    /// <inheritdoc />
    internal override bool FollowsMask => true;   // every accuracy it resolves to is a mean metric

    /// <inheritdoc />
    public override double Result() => _resolved?.Result() ?? 0;

    /// <inheritdoc />
    public override void ResetState() => _resolved?.ResetState();

    /// <summary>The accuracy Keras picks for targets and predictions of these shapes.</summary>
    public static Metric Resolve(Shape yTrue, Shape yPred, string name)
    {
        if (yPred[^1] == 1 || yPred.Rank == 1) return new BinaryAccuracy(name);
        if (yTrue.Rank < yPred.Rank || (yTrue[^1] == 1 && yPred[^1] > 1)) return new SparseCategoricalAccuracy(name);
        return new CategoricalAccuracy(name);
    }
}
