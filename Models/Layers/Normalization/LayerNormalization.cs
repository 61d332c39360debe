using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>Normalizes each sample over <c>axis</c> (Keras default −1, epsilon 1e-3), then scales by gamma and shifts by beta.</summary>
public sealed class LayerNormalization : Layer
{
    private Variable? _gamma, _beta;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    public LayerNormalization(int[]? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Regularizer? betaRegularizer = null,
        Regularizer? gammaRegularizer = null, Constraint? betaConstraint = null, Constraint? gammaConstraint = null,
        string? name = null, int?[]? inputShape = null) : base(name, inputShape: inputShape)
    {
        Axis = axis ?? [-1];
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

    /// <summary>The normalized axes.</summary>
    public int[] Axis { get; }
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

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int[] shape = Axis.Select(a => inputShape[a] ?? throw new ArgumentException($"Axis {a} of the input {inputShape} must be known.")).ToArray();
        if (Scale) _gamma = AddWeight("gamma", shape, GammaInitializer, regularizer: GammaRegularizer, constraint: GammaConstraint);
        if (Center) _beta = AddWeight("beta", shape, BetaInitializer, regularizer: BetaRegularizer, constraint: BetaConstraint);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.LayerNormalization(inputs, Axis, _gamma?.Value, _beta?.Value, Epsilon);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("axis", Axis.Length == 1 ? Axis[0] : Axis).With("epsilon", Epsilon).With("center", Center).With("scale", Scale)
        .With("beta_initializer", BetaInitializer).With("gamma_initializer", GammaInitializer)
        .With("beta_regularizer", BetaRegularizer).With("gamma_regularizer", GammaRegularizer)
        .With("beta_constraint", BetaConstraint).With("gamma_constraint", GammaConstraint);
}
