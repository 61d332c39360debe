using System.Text.Json.Nodes;

namespace TfFunctional.Optimizers;

/// <summary>
/// What Adam, AdamW, Adamax and Nadam share: the decay rates of the first and second moment estimates (Keras's
/// <c>beta_1</c>, <c>beta_2</c>) and <c>epsilon</c>, written into the config once.
/// </summary>
public abstract class MomentOptimizer : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    protected MomentOptimizer(double learningRate, double beta1, double beta2, double epsilon,
        double? clipnorm, double? clipvalue, double? globalClipnorm, string name)
        : base(learningRate, clipnorm, clipvalue, globalClipnorm, name)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second moment (Adamax: of the infinity norm).</summary>
    public double Beta2 { get; }
    /// <summary>Keeps the update's denominator away from zero.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        return config;
    }
}
