using TfFunctional.Activations;
using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>Densely connected layer: <c>activation(dot(x, kernel) + bias)</c>, on the last axis of inputs of any rank ≥ 2.</summary>
public sealed class Dense : KernelLayer
{
    /// <summary>Kernels of at least this many elements (1 MiB of float32) are stored (units, in); see <see cref="Build"/>.</summary>
    private const long TransposedKernelElements = 1 << 18;

    private Variable? _kernel;
    private Variable? _bias;

    /// <summary>Creates the layer with Keras's arguments and defaults (no activation, bias on, glorot_uniform kernel, zero bias).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is not positive.</exception>
    public Dense(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        string? name = null, bool trainable = true, ShapeArgument? inputShape = null, int? inputDim = null, int? batchSize = null)
        : base(activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable, inputShape ?? (inputDim is int d ? [d] : (ShapeArgument?)null), batchSize)
    {
        if (units <= 0)
            throw new ArgumentOutOfRangeException(nameof(units),
                $"Received an invalid value for `units`, expected a positive integer. Received: units={units}");
        Units = units;
        InputSpec = new InputSpec(MinNdim: 2);
    }

    /// <summary>Number of output features.</summary>
    public int Units { get; }
    /// <summary>The kernel (input features, units), once built.</summary>
    public Variable Kernel => _kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>The bias (units), or null without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc />
    public override bool SupportsMasking => true;

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        int inputDim = inputShape[^1] ?? throw new ArgumentException(
            $"The last dimension of the inputs to a Dense layer should be defined. Found None. Full input shape received: {inputShape}");
        // Products with few rows (small batches) are a pass over the kernel. libtorch streams a large kernel faster
        // stored (units, in), as its linear computes (measured with 2 rows: 1.1× at 16 MB, 1.5× from 64 MB; VQA's 641 MB
        // Dense forward 62 → 40 ms); a small one, which stays in cache, is faster in Keras's layout (in, units) (1.2× at
        // 256 KB); they break even between 1 and 4 MB.
        bool transposed = (long)inputDim * Units >= TransposedKernelElements;
        (_kernel, _bias) = AddKernelAndBias([inputDim, Units], Units, transposed ? [1, 0] : null);
        InputSpec = new InputSpec(MinNdim: 2, Axes: new Dictionary<int, int> { [-1] = inputDim });
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var kernel = _kernel!;
        var product = kernel.StorageAxes is null ? Ops.Linear(inputs, kernel, _bias?.Value) : Ops.LinearTransposed(inputs, kernel, _bias?.Value);
        return Activate(product, context);
    }

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape.WithDim(^1, Units);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => WithKernelArguments(base.GetConfig().With("units", Units));

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Dense FromConfig(LayerConfig config) => config.Construct<Dense>();
}
