using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Batch normalization with Keras's rules (not libtorch's): momentum 0.99 is the weight of the old moving value,
/// epsilon 1e-3, the moving variance comes from the biased batch variance, and a frozen layer
/// (<c>Trainable = false</c>) runs in inference mode even while training.
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Variable? _gamma, _beta, _movingMean, _movingVariance;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Initializer? movingMeanInitializer = null,
        Initializer? movingVarianceInitializer = null, Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, string? name = null, bool trainable = true, int?[]? inputShape = null)
        : base(name, trainable, inputShape: inputShape)
    {
        Axis = axis;
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Ones();
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
    }

    /// <summary>The feature axis normalized separately.</summary>
    public int Axis { get; }
    /// <summary>Weight of the old moving statistics.</summary>
    public double Momentum { get; }
    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }
    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }
    /// <summary>Whether gamma multiplies.</summary>
    public bool Scale { get; }
    /// <summary>Initializes beta.</summary>
    public Initializer BetaInitializer { get; }
    /// <summary>Initializes gamma.</summary>
    public Initializer GammaInitializer { get; }
    /// <summary>Initializes the moving mean.</summary>
    public Initializer MovingMeanInitializer { get; }
    /// <summary>Initializes the moving variance.</summary>
    public Initializer MovingVarianceInitializer { get; }
    /// <summary>Penalty on beta.</summary>
    public Regularizer? BetaRegularizer { get; }
    /// <summary>Penalty on gamma.</summary>
    public Regularizer? GammaRegularizer { get; }
    /// <summary>Projection of beta.</summary>
    public Constraint? BetaConstraint { get; }
    /// <summary>Projection of gamma.</summary>
    public Constraint? GammaConstraint { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int features = inputShape[Axis] ?? throw new ArgumentException(
            $"Axis {Axis} of input tensor should have a defined dimension but the layer received an input with shape {inputShape}.");
        if (Scale) _gamma = AddWeight("gamma", [features], GammaInitializer, regularizer: GammaRegularizer, constraint: GammaConstraint);
        if (Center) _beta = AddWeight("beta", [features], BetaInitializer, regularizer: BetaRegularizer, constraint: BetaConstraint);
        _movingMean = AddWeight("moving_mean", [features], MovingMeanInitializer, trainable: false);
        _movingVariance = AddWeight("moving_variance", [features], MovingVarianceInitializer, trainable: false);
        InputSpec = new InputSpec(Ndim: inputShape.Rank, Axes: new Dictionary<int, int> { [Axis] = features });
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.BatchNormalization(inputs, _movingMean!, _movingVariance!, _gamma?.Value, _beta?.Value, Axis, Momentum, Epsilon,
            training: context.Training && Trainable);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("axis", Axis).With("momentum", Momentum).With("epsilon", Epsilon).With("center", Center).With("scale", Scale)
        .With("beta_initializer", BetaInitializer).With("gamma_initializer", GammaInitializer)
        .With("moving_mean_initializer", MovingMeanInitializer).With("moving_variance_initializer", MovingVarianceInitializer)
        .With("beta_regularizer", BetaRegularizer).With("gamma_regularizer", GammaRegularizer)
        .With("beta_constraint", BetaConstraint).With("gamma_constraint", GammaConstraint);
}
