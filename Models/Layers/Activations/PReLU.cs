using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Parametric ReLU: <c>x</c> for x ≥ 0, else <c>alpha · x</c> with a learned alpha per feature (shared along
/// <c>sharedAxes</c>, 1-based as in Keras).
/// </summary>
public sealed class PReLU : Layer
{
    private Variable? _alpha;

    /// <summary>Creates the layer (alpha starts at zeros, as in Keras).</summary>
    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, Constraint? alphaConstraint = null,
        int[]? sharedAxes = null, string? name = null, ShapeArgument? inputShape = null) : base(name, inputShape: inputShape)
    {
        AlphaInitializer = alphaInitializer ?? new Zeros();
        AlphaRegularizer = alphaRegularizer;
        AlphaConstraint = alphaConstraint;
        SharedAxes = sharedAxes;
    }

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <summary>Initializes alpha.</summary>
    public Initializer AlphaInitializer { get; }
    /// <summary>Penalty on alpha.</summary>
    public Regularizer? AlphaRegularizer { get; }
    /// <summary>Projection of alpha.</summary>
    public Constraint? AlphaConstraint { get; }
    /// <summary>Axes (1-based) along which alpha is shared.</summary>
    public int[]? SharedAxes { get; }

    /// <inheritdoc />
    protected override bool RequiresFloatInputs => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        var shape = inputShape.Slice(1..).Select((d, i) => SharedAxes?.Contains(i + 1) == true ? 1 : d ?? throw new ArgumentException(
            $"PReLU needs every non-shared axis known; axis {i + 1} of {inputShape} is None.")).ToArray();
        _alpha = AddWeight("alpha", shape, AlphaInitializer, regularizer: AlphaRegularizer, constraint: AlphaConstraint);
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        // relu(x) − alpha · relu(−x)
        var negative = Ops.Relu(Ops.Multiply(inputs, -1.0));
        return Ops.Subtract(Ops.Relu(inputs), Ops.Multiply(_alpha!.Value, negative));
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("alpha_initializer", AlphaInitializer).With("alpha_regularizer", AlphaRegularizer)
        .With("alpha_constraint", AlphaConstraint).With("shared_axes", SharedAxes);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static PReLU FromConfig(LayerConfig config) => config.Construct<PReLU>();
}
