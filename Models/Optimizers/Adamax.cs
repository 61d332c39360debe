namespace TfFunctional.Optimizers;

/// <summary>Adamax, Adam's infinity-norm variant (Keras defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7).</summary>
public sealed class Adamax(double learningRate = 0.001, [Saving.ConfigKey("beta_1")] double beta1 = 0.9,
        [Saving.ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7,
    double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamax")
    : MomentOptimizer(learningRate, beta1, beta2, epsilon, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Adamax(variable, gradient, Slot(variable, "m"), Slot(variable, "u"), Iterations, learningRate, Beta1, Beta2, Epsilon);

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static Adamax FromConfig(Layers.LayerConfig config) => FromConfig<Adamax>(config);
}
