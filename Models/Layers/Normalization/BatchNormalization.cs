using TfFunctional.Saving;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Batch normalization with Keras's rules (not libtorch's): momentum 0.99 is the weight of the old moving value,
/// epsilon 1e-3, the moving variance comes from the biased batch variance, and a frozen layer
/// (<c>Trainable = false</c>) runs in inference mode even while training; under a mask, training statistics count the
/// kept positions only, as Keras 3.
/// </summary>
public sealed class BatchNormalization : NormalizationLayer
{
    private Variable? _gamma, _beta, _movingMean, _movingVariance;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Initializer? movingMeanInitializer = null,
        Initializer? movingVarianceInitializer = null, Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, string? name = null, bool trainable = true, ShapeArgument? inputShape = null)
        : base(epsilon, center, scale, betaInitializer, gammaInitializer, betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint,
            name, trainable, inputShape)
    {
        Axis = axis;
        Momentum = momentum;
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Ones();
    }

    /// <summary>The feature axis normalized separately.</summary>
    public int Axis { get; }
    /// <summary>Weight of the old moving statistics.</summary>
    public double Momentum { get; }
    /// <summary>Initializes the moving mean.</summary>
    public Initializer MovingMeanInitializer { get; }
    /// <summary>Initializes the moving variance.</summary>
    public Initializer MovingVarianceInitializer { get; }

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        if (Axis >= inputShape.Rank || Axis < -inputShape.Rank)
            throw new ArgumentException($"Invalid axis {Axis} for an input of rank {inputShape.Rank} (shape {inputShape}).", "axis");
        int features = inputShape[Axis] ?? throw new ArgumentException(
            $"Axis {Axis} of input tensor should have a defined dimension but the layer received an input with shape {inputShape}.");
        (_gamma, _beta) = AddGammaAndBeta([features]);
        _movingMean = AddWeight("moving_mean", [features], MovingMeanInitializer, trainable: false);
        _movingVariance = AddWeight("moving_variance", [features], MovingVarianceInitializer, trainable: false);
        InputSpec = new InputSpec(Ndim: inputShape.Rank, Axes: new Dictionary<int, int> { [Axis] = features });
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.BatchNormalization(inputs, _movingMean!, _movingVariance!, _gamma?.Value, _beta?.Value, Axis, Momentum, Epsilon,
            training: context.Training && Trainable, mask: context.Mask);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithPenalties(WithCenterAndScale(base.GetConfig()
        .With("axis", Axis).With("momentum", Momentum).With("epsilon", Epsilon))
        .With("moving_mean_initializer", MovingMeanInitializer).With("moving_variance_initializer", MovingVarianceInitializer));

    /// <summary>Makes the layer from its Keras config; <c>axis</c> may be written as a one-element list (tf.keras 2).</summary>
    public static BatchNormalization FromConfig(LayerConfig config)
    {
        if (config.Get<int[]?>("axis") is { Length: not 1 } axes)
            throw new KerasFormatException($"{config.Owner}: config entry 'axis' should name one axis. Received: axis=[{string.Join(", ", axes)}]");
        if (config.GetNode("axis") is System.Text.Json.Nodes.JsonArray list) config.Json["axis"] = list[0]?.DeepClone();
        return config.Construct<BatchNormalization>();
    }
}
