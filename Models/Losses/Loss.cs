using System.Text.Json.Nodes;
using TfFunctional.Saving;

namespace TfFunctional.Losses;

/// <summary>
/// A loss as Keras computes it: per-sample values (reduced over the last axis), then the
/// <c>sum_over_batch_size</c> reduction: the (weighted) sum divided by the number of values, never by Σ weights.
/// </summary>
public abstract class Loss : IKerasSerializable
{
    /// <summary>Keras's epsilon, used to clip probabilities.</summary>
    protected const double Epsilon = 1e-7;

    /// <summary>Creates the loss.</summary>
    protected Loss(string name) => Name = name;

    /// <summary>The Keras name (<c>binary_crossentropy</c>, …), used in logs.</summary>
    public string Name { get; }

    /// <summary>The loss of each sample (and time step), before reduction.</summary>
    public abstract Tensor Call(Tensor yTrue, Tensor yPred);

    /// <summary>The reduced loss: <c>sum(values · sampleWeight) / count(values)</c>.</summary>
    public Tensor Compute(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => Compute(yTrue, yPred, sampleWeight, mask: null);

    /// <summary>
    /// The reduced loss of an output that carries a Keras mask: masked entries weigh 0 and kept ones
    /// <c>count(mask) / kept</c>, so that the mean over every entry is the mean over the kept ones (Keras's
    /// <c>apply_mask</c>; nothing kept gives 0).
    /// </summary>
    internal Tensor Compute(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor? mask)
    {
        var values = Call(yTrue, yPred);
        if (mask is not null)
        {
            var keep = Ops.Cast(mask, values.DType);
            if (keep.Rank > values.Rank)
                throw new ArgumentException(
                    $"Loss '{Name}': the output's mask has shape {mask.Shape}, more axes than its loss values of shape {values.Shape}.");
            var kept = Ops.Sum(keep);
            keep = Ops.Divide(Ops.Multiply(keep, keep.Shape.Size!.Value), Ops.ClipMin(kept, 1));
            values = Ops.Multiply(values, Expanded(keep, values.Rank));
        }
        if (sampleWeight is not null)
            values = Ops.Multiply(values, Ops.Cast(Expanded(sampleWeight, values.Rank), values.DType));
        return Ops.Mean(values);
    }

    /// <summary><paramref name="weight"/> with trailing axes of size 1 up to <paramref name="rank"/>, to broadcast over loss values.</summary>
    internal static Tensor Expanded(Tensor weight, int rank)
    {
        while (weight.Rank < rank) weight = Ops.ExpandDims(weight, -1);
        return weight;
    }

    /// <summary>Brings <paramref name="yTrue"/> to <paramref name="yPred"/>'s rank and float dtype, as Keras's squeeze_or_expand_to_same_rank.</summary>
    protected static Tensor Align(Tensor yTrue, Tensor yPred)
    {
        var t = yTrue.DType == yPred.DType ? yTrue : Ops.Cast(yTrue, yPred.DType);
        if (t.Rank == yPred.Rank - 1) t = Ops.ExpandDims(t, -1);
        else if (t.Rank == yPred.Rank + 1 && t.Shape[^1] == 1) t = Ops.Squeeze(t, -1);
        return t;
    }

    /// <summary>Keras's hinge losses take 0/1 labels as −1/1.</summary>
    protected static Tensor SignedLabels(Tensor y)
    {
        bool binary = Ops.All(Ops.LogicalOr(Ops.Equal(y, Ops.Zeros([1], y.DType)), Ops.Equal(y, Ops.Ones([1], y.DType))));
        return binary ? Ops.Subtract(Ops.Multiply(y, 2.0), Ops.Ones([1], y.DType)) : y;
    }

    /// <summary>Throws Keras's error when the shapes of target and output differ.</summary>
    protected void RequireSameShape(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Shape != yPred.Shape)
            throw new ArgumentException(
                $"Loss '{Name}': arguments `target` and `output` must have the same shape. Received: target.shape={yTrue.Shape}, output.shape={yPred.Shape}" +
                (yTrue.Shape[^1] == 1 && yPred.Shape[^1] > 1 ? ". Integer class labels need sparse_categorical_crossentropy." : ""));
    }

    /// <summary>The arguments, with Keras's keys.</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["reduction"] = "sum_over_batch_size" };

    /// <inheritdoc />
    public JsonNode? ToConfigJson() => new JsonObject { ["class_name"] = GetType().Name, ["config"] = GetConfig() };

    /// <summary>Every name Keras accepts for a loss.</summary>
    public static IReadOnlyList<string> KnownNames { get; } =
    [
        "mean_squared_error", "mse", "mean_absolute_error", "mae", "mean_absolute_percentage_error", "mape",
        "mean_squared_logarithmic_error", "msle", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
        "huber", "log_cosh", "logcosh", "kl_divergence", "kld", "kullback_leibler_divergence", "poisson", "cosine_similarity",
        "hinge", "squared_hinge", "categorical_hinge",
    ];

    /// <summary>A loss by Keras name or alias, with Keras defaults.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Loss Get(string name) => name switch
    {
        "mean_squared_error" or "mse" or "MeanSquaredError" => new MeanSquaredError(),
        "mean_absolute_error" or "mae" or "MeanAbsoluteError" => new MeanAbsoluteError(),
        "binary_crossentropy" or "BinaryCrossentropy" => new BinaryCrossentropy(),
        "categorical_crossentropy" or "CategoricalCrossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" or "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(),
        "mean_absolute_percentage_error" or "mape" or "MeanAbsolutePercentageError" => new MeanAbsolutePercentageError(),
        "mean_squared_logarithmic_error" or "msle" or "MeanSquaredLogarithmicError" => new MeanSquaredLogarithmicError(),
        "huber" or "huber_loss" or "Huber" => new Huber(),
        "log_cosh" or "logcosh" or "LogCosh" => new LogCosh(),
        "kl_divergence" or "kld" or "kullback_leibler_divergence" or "KLDivergence" => new KLDivergence(),
        "poisson" or "Poisson" => new Poisson(),
        "cosine_similarity" or "CosineSimilarity" => new CosineSimilarity(),
        "hinge" or "Hinge" => new Hinge(),
        "squared_hinge" or "SquaredHinge" => new SquaredHinge(),
        "categorical_hinge" or "CategoricalHinge" => new CategoricalHinge(),
        _ => throw new ArgumentException($"Could not interpret loss identifier: {name}. Known: {string.Join(", ", KnownNames)}.", nameof(name)),
    };

    /// <summary>A Keras name converts to that loss.</summary>
    public static implicit operator Loss(string name) => Get(name);
}
