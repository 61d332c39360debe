namespace TfFunctional.Optimizers;

/// <summary>Adadelta (Keras defaults: lr 0.001, ρ 0.95, ε 1e-7).</summary>
public sealed class Adadelta(double learningRate = 0.001, double rho = 0.95, double epsilon = 1e-7,
    double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adadelta")
    : Optimizer(learningRate, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Adadelta(variable, gradient, Slot(variable, "accumulated_grad"), Slot(variable, "accumulated_delta_var"),
            learningRate, rho, epsilon);
}
