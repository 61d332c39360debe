namespace TfFunctional.Optimizers;

/// <summary>Adam with decoupled weight decay (Keras defaults: lr 0.001, weight decay 0.004, ε 1e-7).</summary>
public sealed class AdamW : Optimizer
{
    private readonly Adam _adam;

    /// <summary>Creates the optimizer.</summary>
    public AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        bool amsgrad = false, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamw")
        : base(learningRate, clipnorm, clipvalue, globalClipnorm, name)
    {
        WeightDecay = weightDecay;
        _adam = new Adam(learningRate, beta1, beta2, epsilon, amsgrad, name: name);
    }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) => _adam.UpdateAt(variable, gradient, learningRate, Iterations);
}
