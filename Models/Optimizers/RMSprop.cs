using System.Text.Json.Nodes;

namespace TfFunctional.Optimizers;

/// <summary>
/// RMSprop with Keras's rule and defaults (lr 0.001, ρ 0.9, momentum 0, ε 1e-7 inside the square root, not centered);
/// libtorch's defaults differ (α 0.99, ε outside).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "RMSprop")
        : base(learningRate, clipnorm, clipvalue, globalClipnorm, name)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Rho { get; }
    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }
    /// <summary>Added under the square root.</summary>
    public double Epsilon { get; }
    /// <summary>Whether to subtract the squared mean gradient.</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.RmsProp(variable, gradient, Slot(variable, "velocity"),
            Centered ? Slot(variable, "average_gradient") : null, Momentum > 0 ? Slot(variable, "momentum") : null,
            learningRate, Rho, Momentum, Epsilon);

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["rho"] = Rho;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["centered"] = Centered;
        return config;
    }

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static RMSprop FromConfig(Layers.LayerConfig config) => FromConfig<RMSprop>(config);
}
