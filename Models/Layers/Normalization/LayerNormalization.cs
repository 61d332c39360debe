using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>Normalizes each sample over <c>axis</c> (Keras default −1, epsilon 1e-3), then scales by gamma and shifts by beta.</summary>
public sealed class LayerNormalization : NormalizationLayer
{
    private Variable? _gamma, _beta;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    public LayerNormalization(int[]? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Regularizer? betaRegularizer = null,
        Regularizer? gammaRegularizer = null, Constraint? betaConstraint = null, Constraint? gammaConstraint = null,
        string? name = null, ShapeArgument? inputShape = null)
        : base(epsilon, center, scale, betaInitializer, gammaInitializer, betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint,
            name, trainable: true, inputShape)
    {
        Axis = axis ?? [-1];
    }

    /// <summary>The normalized axes.</summary>
    public int[] Axis { get; }

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int[] shape = Axis.Select(a => inputShape[a] ?? throw new ArgumentException($"Axis {a} of the input {inputShape} must be known.")).ToArray();
        (_gamma, _beta) = AddGammaAndBeta(shape);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.LayerNormalization(inputs, Axis, _gamma?.Value, _beta?.Value, Epsilon);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithPenalties(WithCenterAndScale(base.GetConfig()
        .With("axis", Axis.Length == 1 ? Axis[0] : Axis).With("epsilon", Epsilon)));

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static LayerNormalization FromConfig(LayerConfig config) => config.Construct<LayerNormalization>();
}
