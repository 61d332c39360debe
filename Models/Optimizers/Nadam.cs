namespace TfFunctional.Optimizers;

/// <summary>Nesterov Adam with Keras's momentum schedule (defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7).</summary>
public sealed class Nadam(double learningRate = 0.001, [Saving.ConfigKey("beta_1")] double beta1 = 0.9,
        [Saving.ConfigKey("beta_2")] double beta2 = 0.999, double epsilon = 1e-7,
    double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "nadam")
    : MomentOptimizer(learningRate, beta1, beta2, epsilon, clipnorm, clipvalue, globalClipnorm, name)
{
    private double _uProduct = 1.0;

    /// <inheritdoc />
    protected override void BeforeStep() => _uProduct *= Beta1 * (1 - 0.5 * Math.Pow(0.96, Iterations));

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Nadam(variable, gradient, Slot(variable, "momentum"), Slot(variable, "velocity"), Iterations, _uProduct,
            learningRate, Beta1, Beta2, Epsilon);

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static Nadam FromConfig(Layers.LayerConfig config) => FromConfig<Nadam>(config);
}
