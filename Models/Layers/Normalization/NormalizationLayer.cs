using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// What BatchNormalization and LayerNormalization share, as Keras's arguments: epsilon, and an optional scale (gamma,
/// ones) and shift (beta, zeros) with their regularizers and constraints.
/// </summary>
public abstract class NormalizationLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    protected NormalizationLayer(double epsilon, bool center, bool scale, Initializer? betaInitializer, Initializer? gammaInitializer,
        Regularizer? betaRegularizer, Regularizer? gammaRegularizer, Constraint? betaConstraint, Constraint? gammaConstraint,
        string? name, bool trainable, ShapeArgument? inputShape)
        : base(name, trainable, inputShape: inputShape)
    {
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
    }

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

    /// <summary>Creates gamma (with <see cref="Scale"/>) and beta (with <see cref="Center"/>) of <paramref name="shape"/>.</summary>
    protected (Variable? Gamma, Variable? Beta) AddGammaAndBeta(int[] shape) => (
        Scale ? AddWeight("gamma", shape, GammaInitializer, regularizer: GammaRegularizer, constraint: GammaConstraint) : null,
        Center ? AddWeight("beta", shape, BetaInitializer, regularizer: BetaRegularizer, constraint: BetaConstraint) : null);

    /// <summary>Adds center, scale and the initializers of beta and gamma under Keras's keys.</summary>
    protected LayerConfig WithCenterAndScale(LayerConfig config) => config
        .With("center", Center).With("scale", Scale).With("beta_initializer", BetaInitializer).With("gamma_initializer", GammaInitializer);

    /// <summary>Adds the regularizers and constraints of beta and gamma under Keras's keys.</summary>
    protected LayerConfig WithPenalties(LayerConfig config) => config
        .With("beta_regularizer", BetaRegularizer).With("gamma_regularizer", GammaRegularizer)
        .With("beta_constraint", BetaConstraint).With("gamma_constraint", GammaConstraint);
}
