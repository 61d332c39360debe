using System.Text.Json.Nodes;

namespace TfFunctional.Optimizers;

/// <summary>Gradient descent with optional (Nesterov) momentum, Keras's rule: <c>m = μm − lr·g; w += m</c> (defaults lr 0.01, μ 0).</summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "SGD")
        : base(learningRate, clipnorm, clipvalue, globalClipnorm, name)
    {
        if (momentum is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(momentum), $"`momentum` must be a float between [0, 1]. Received: momentum={momentum}");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>The momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Sgd(variable, gradient, Momentum > 0 ? Slot(variable, "momentum") : null, learningRate, Momentum, Nesterov);

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["momentum"] = Momentum;
        config["nesterov"] = Nesterov;
        return config;
    }

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static SGD FromConfig(Layers.LayerConfig config) => FromConfig<SGD>(config);
}
