namespace TfFunctional.Optimizers;

/// <summary>Adam with decoupled weight decay (Keras defaults: lr 0.001, weight decay 0.004, ε 1e-7).</summary>
public sealed class AdamW : MomentOptimizer
{
    private readonly Adam _adam;

    /// <summary>Creates the optimizer.</summary>
    public AdamW(double learningRate = 0.001, double weightDecay = 0.004, [Saving.ConfigKey("beta_1")] double beta1 = 0.9,
        [Saving.ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7,
        bool amsgrad = false, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamw")
        : base(learningRate, beta1, beta2, epsilon, clipnorm, clipvalue, globalClipnorm, name)
    {
        WeightDecay = weightDecay;
        _adam = new Adam(learningRate, beta1, beta2, epsilon, amsgrad, name: name);
    }

    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["amsgrad"] = _adam.Amsgrad;
        return config;
    }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) => _adam.UpdateAt(variable, gradient, learningRate, Iterations);

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static AdamW FromConfig(Layers.LayerConfig config) => FromConfig<AdamW>(config);
}
