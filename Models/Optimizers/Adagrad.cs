using System.Text.Json.Nodes;

namespace TfFunctional.Optimizers;

/// <summary>Adagrad with Keras's defaults (lr 0.001, initial accumulator 0.1, ε 1e-7).</summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adagrad(double learningRate = 0.001, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adagrad")
        : base(learningRate, clipnorm, clipvalue, globalClipnorm, name)
    {
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <summary>Starting value of the squared-gradient accumulators.</summary>
    public double InitialAccumulatorValue { get; }
    /// <summary>Added under the square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    protected override void Update(Variable variable, Tensor gradient, double learningRate) =>
        OptimizerKernels.Adagrad(variable, gradient, Slot(variable, "accumulator", InitialAccumulatorValue), learningRate, Epsilon);

    /// <inheritdoc />
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["epsilon"] = Epsilon;
        return config;
    }

    /// <summary>Makes the optimizer from its Keras config (a learning-rate schedule included); a missing entry means the constructor's default.</summary>
    public static Adagrad FromConfig(Layers.LayerConfig config) => FromConfig<Adagrad>(config);
}
