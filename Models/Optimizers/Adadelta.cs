namespace TfFunctional.Optimizers;

/// <summary>Adadelta (Keras defaults: lr 0.001, ρ 0.95, ε 1e-7).</summary>
public sealed class Adadelta(double learningRate = 0.001, double rho = 0.95, double epsilon = 1e-7,
    double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adadelta")
    : Optimizer(learningRate, clipnorm, clipvalue, globalClipnorm, name)
{
    /// <inheritdoc />
    public override System.Text.Json.Nodes.JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["rho"] = rho;
        config["epsilon"] = epsilon;
        return config;
    }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Adadelta(variable, gradient, Slot(variable, "accumulated_grad"), Slot(variable, "accumulated_delta_var"),
            learningRate, rho, epsilon);

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static Adadelta FromConfig(Layers.LayerConfig config) => FromConfig<Adadelta>(config);
}
