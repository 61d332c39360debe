namespace TfFunctional.Optimizers;

/// <summary>FTRL-proximal (Keras defaults: lr 0.001, power −0.5, initial accumulator 0.1, no L1/L2).</summary>
public sealed class Ftrl(double learningRate = 0.001, double learningRatePower = -0.5, double initialAccumulatorValue = 0.1,
    double l1RegularizationStrength = 0.0, double l2RegularizationStrength = 0.0, double l2ShrinkageRegularizationStrength = 0.0,
    double beta = 0.0, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "ftrl")
    : Optimizer(learningRate, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["learning_rate_power"] = learningRatePower;
        config["initial_accumulator_value"] = initialAccumulatorValue;
        config["l1_regularization_strength"] = l1RegularizationStrength;
        config["l2_regularization_strength"] = l2RegularizationStrength;
        config["l2_shrinkage_regularization_strength"] = l2ShrinkageRegularizationStrength;
        config["beta"] = beta;
        return config;
    }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Ftrl(variable, gradient, Slot(variable, "accumulator", initialAccumulatorValue), Slot(variable, "linear"), learningRate,
            learningRatePower, l1RegularizationStrength, l2RegularizationStrength, l2ShrinkageRegularizationStrength, beta);

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static Ftrl FromConfig(Layers.LayerConfig config) => FromConfig<Ftrl>(config);
}
