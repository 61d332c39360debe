using System.Text.Json.Nodes;

namespace TfFunctional.Optimizers;

/// <summary>Adam with Keras's ε-hat form and defaults (lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7, no AMSGrad).</summary>
public sealed class Adam : MomentOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adam(double learningRate = 0.001, [Saving.ConfigKey("beta_1")] double beta1 = 0.9,
        [Saving.ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adam")
        : base(learningRate, beta1, beta2, epsilon, clipnorm, clipvalue, globalClipnorm, name)
    {
        Amsgrad = amsgrad;
    }

    /// <summary>Whether to use the running maximum of the second moment.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) => UpdateAt(variable, gradient, learningRate, Iterations);

    /// <summary>Adam's update at a given step (AdamW drives it with its own step count).</summary>
    internal void UpdateAt(Variable variable, Tensor gradient, double learningRate, long step) =>
        OptimizerKernels.Adam(variable, gradient, Slot(variable, "momentum"), Slot(variable, "velocity"),
            Amsgrad ? Slot(variable, "velocity_hat") : null, step, learningRate, Beta1, Beta2, Epsilon);

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["amsgrad"] = Amsgrad;
        return config;
    }

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static Adam FromConfig(Layers.LayerConfig config) => FromConfig<Adam>(config);
}
