namespace TfFunctional.Optimizers;

/// <summary>Nesterov Adam with Keras's momentum schedule (defaults: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7).</summary>
public sealed class Nadam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
    double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "nadam")
    : Optimizer(learningRate, clipnorm, clipvalue, globalClipnorm, name)
{
    private double _uProduct = 1.0;

    /// <inheritdoc />
    protected override void BeforeStep() => _uProduct *= beta1 * (1 - 0.5 * Math.Pow(0.96, Iterations));

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Nadam(variable, gradient, Slot(variable, "momentum"), Slot(variable, "velocity"), Iterations, _uProduct,
            learningRate, beta1, beta2, epsilon);
}
