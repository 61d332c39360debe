using System.Text.Json.Nodes;

namespace TfFunctional.Losses;

/// <summary>Categorical cross-entropy on integer class labels (shape (batch,) or (batch, 1)), as Keras.</summary>
public sealed class SparseCategoricalCrossentropy(bool fromLogits = false, string name = "sparse_categorical_crossentropy") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var labels = yTrue.Rank == yPred.Rank && yTrue.Shape[^1] == 1 ? Ops.Squeeze(yTrue, -1) : yTrue;
        if (labels.Rank != yPred.Rank - 1)
            throw new ArgumentException(
                $"Loss '{Name}': expected integer labels of shape {yPred.Shape.Slice(..^1)} (or with a trailing 1) for predictions of shape {yPred.Shape}. Received: target.shape={yTrue.Shape}. One-hot targets need categorical_crossentropy.");
        var logProbabilities = fromLogits
            ? Ops.LogSoftmax(yPred, -1)
            : Ops.Log(Ops.Clip(Ops.Divide(yPred, Ops.Sum(yPred, -1, keepDims: true)), Epsilon, 1 - Epsilon));
        return Ops.Multiply(Ops.TakeAlongLastAxis(logProbabilities, Ops.Cast(labels, DType.Int64)), -1.0);
    }

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = fromLogits;
        return config;
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static SparseCategoricalCrossentropy FromConfig(Layers.LayerConfig config) => config.Construct<SparseCategoricalCrossentropy>();
}
