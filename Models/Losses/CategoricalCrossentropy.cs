using System.Text.Json.Nodes;

namespace TfFunctional.Losses;

/// <summary>
/// <c>−sum(y·log(p), axis=-1)</c> on one-hot targets; probabilities are renormalised to sum 1 and clipped to
/// [1e-7, 1 − 1e-7], as Keras; <c>fromLogits</c> takes raw scores; <c>labelSmoothing</c> mixes in the uniform distribution.
/// </summary>
public sealed class CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, string name = "categorical_crossentropy") : Loss(name)
{
    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = yTrue.DType == yPred.DType ? yTrue : Ops.Cast(yTrue, yPred.DType);
        RequireSameShape(y, yPred);
        if (labelSmoothing > 0)
        {
            int classes = yPred.Shape[axis]!.Value;
            y = Ops.Add(Ops.Multiply(y, 1 - labelSmoothing), Ops.Full([], labelSmoothing / classes, yPred.DType));
        }
        var logProbabilities = fromLogits
            ? Ops.LogSoftmax(yPred, axis)
            : Ops.Log(Ops.Clip(Ops.Divide(yPred, Ops.Sum(yPred, axis, keepDims: true)), Epsilon, 1 - Epsilon));
        return Ops.Multiply(Ops.Sum(Ops.Multiply(y, logProbabilities), axis), -1.0);
    }

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = fromLogits;
        config["label_smoothing"] = labelSmoothing;
        config["axis"] = axis;
        return config;
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static CategoricalCrossentropy FromConfig(Layers.LayerConfig config) => config.Construct<CategoricalCrossentropy>();
}
