using System.Text.Json.Nodes;

namespace TfFunctional.Losses;

/// <summary>
/// <c>−mean(y·log(p) + (1 − y)·log(1 − p), axis=-1)</c> with p clipped to [1e-7, 1 − 1e-7], as Keras (libtorch clamps the
/// log at −100 instead); <c>fromLogits</c> takes raw scores, <c>labelSmoothing</c> pulls targets toward 0.5.
/// </summary>
public sealed class BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, string name = "binary_crossentropy") : Loss(name)
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits => fromLogits;

    /// <summary>Label smoothing factor.</summary>
    public double LabelSmoothing => labelSmoothing;

    /// <inheritdoc />
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var y = Align(yTrue, yPred);
        RequireSameShape(y, yPred);
        if (labelSmoothing > 0) y = Ops.Add(Ops.Multiply(y, 1 - labelSmoothing), Ops.Full([], 0.5 * labelSmoothing, yPred.DType));
        return Ops.Mean(Ops.BinaryCrossentropy(y, yPred, fromLogits, Epsilon), -1);
    }

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = fromLogits;
        config["label_smoothing"] = labelSmoothing;
        return config;
    }

    /// <summary>Makes the loss from its Keras config; a missing entry means the constructor's default.</summary>
    public static BinaryCrossentropy FromConfig(Layers.LayerConfig config) => config.Construct<BinaryCrossentropy>();
}
