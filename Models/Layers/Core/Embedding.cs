using TfFunctional.Constraints;
using TfFunctional.Initializers;
using TfFunctional.Regularizers;

namespace TfFunctional.Layers;

/// <summary>
/// Turns integer ids into dense vectors of <c>outputDim</c>: output shape (…, outputDim). With <c>maskZero</c>, id 0 is
/// padding and the layer emits the mask <c>ids != 0</c>, which recurrent layers and losses follow.
/// </summary>
public sealed class Embedding : Layer
{
    private Variable? _embeddings;

    /// <summary>Creates the layer with Keras's defaults (uniform ±0.05 initializer, no mask).</summary>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null, Regularizer? embeddingsRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? embeddingsConstraint = null, bool maskZero = false, int? inputLength = null,
        string? name = null, bool trainable = true, ShapeArgument? inputShape = null, int? batchSize = null)
        : base(name, trainable, inputShape: inputShape ?? (inputLength is int n ? [n] : (ShapeArgument?)null), batchSize: batchSize)
    {
        if (inputDim <= 0 || outputDim <= 0)
            throw new ArgumentException(
                $"Both `input_dim` and `output_dim` should be positive, Received input_dim = {inputDim} and output_dim = {outputDim}");
        InputDim = inputDim;
        OutputDim = outputDim;
        EmbeddingsInitializer = embeddingsInitializer ?? new RandomUniform();
        EmbeddingsRegularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        EmbeddingsConstraint = embeddingsConstraint;
        MaskZero = maskZero;
        InputLength = inputLength;
    }

    /// <summary>Size of the vocabulary (largest id + 1).</summary>
    public int InputDim { get; }
    /// <summary>Length of each vector.</summary>
    public int OutputDim { get; }
    /// <summary>Initializes the table.</summary>
    public Initializer EmbeddingsInitializer { get; }
    /// <summary>Penalty on the table.</summary>
    public Regularizer? EmbeddingsRegularizer { get; }
    /// <summary>Penalty on the output while training.</summary>
    public Regularizer? ActivityRegularizer { get; }
    /// <summary>Projection of the table after each update.</summary>
    public Constraint? EmbeddingsConstraint { get; }
    /// <summary>Whether id 0 is padding, masked out downstream.</summary>
    public bool MaskZero { get; }
    /// <summary>Keras 2's fixed sequence length, used for the input shape.</summary>
    public int? InputLength { get; }

    /// <summary>The table (inputDim, outputDim), once built.</summary>
    public Variable Embeddings => _embeddings ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc />
    public override bool CreatesMasks => MaskZero;

    /// <inheritdoc />
    protected override void Build(Shape inputShape)
    {
        _embeddings = AddWeight("embeddings", [InputDim, OutputDim], EmbeddingsInitializer,
            regularizer: EmbeddingsRegularizer, constraint: EmbeddingsConstraint);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<DType> ComputeOutputDTypes(IReadOnlyList<DType> inputDTypes, int outputCount)
    {
        if (inputDTypes[0] == DType.Bool)
            throw new ArgumentException(
                $"Layer \"{Name}\" (Embedding) expects integer ids, but its input has dtype bool. " +
                "Give the Input dtype: DType.Int32 (Keras.Input(shape, dtype: DType.Int32)).");
        // Keras casts float ids to int32 (files saved with float Inputs before an Embedding are common).
        return [DType];
    }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context)
    {
        var ids = inputs.DType.IsFloating() ? Ops.Cast(inputs, DType.Int64) : inputs;
        Tensor outputs;
        try
        {
            outputs = Ops.Embedding(ids, _embeddings!);
        }
        catch (Exception e) when (NativeError.Is(e) && Ops.IntegerRange(ids) is { } range && (range.Min < 0 || range.Max >= InputDim))
        {
            // libtorch's lookup checks every id itself ("index out of range in self"); the offending one is found only
            // then, so a valid batch pays nothing for the check (a min/max pass first cost 9–12 µs at batch 1, 1.3×).
            throw OutOfRange(ids);
        }
        if (ActivityRegularizer is not null && context.Training)
            context.AddLoss(Ops.Divide(ActivityRegularizer.Call(outputs), inputs.Shape[0] ?? 1));
        return outputs;
    }

    private ArgumentException OutOfRange(Tensor ids)
    {
        using var scope = Ops.NewScope();
        var values = (ids.DType == DType.Int64 ? ids : Ops.Cast(ids, DType.Int64)).ToArray<long>();
        int flat = Array.FindIndex(values, v => v < 0 || v >= InputDim);
        var dims = ids.Shape.Select(d => (long)d!.Value).ToArray();
        var position = new long[dims.Length];
        for (int axis = dims.Length - 1, rest = flat; axis >= 0; axis--)
        {
            position[axis] = rest % dims[axis];
            rest = (int)(rest / dims[axis]);
        }
        return new ArgumentException(
            $"Layer \"{Name}\" (Embedding): indices[{string.Join(",", position)}] = {values[flat]} is not in [0, {InputDim}). " +
            $"Every id must be below the layer's input_dim ({InputDim}).");
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor?> ComputeMasks(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, int outputCount) =>
        [MaskZero ? Ops.NotEqual(inputs[0], 0) : null];

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => new([.. inputShape, OutputDim]);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig()
        .With("input_dim", InputDim).With("output_dim", OutputDim)
        .With("embeddings_initializer", EmbeddingsInitializer).With("embeddings_regularizer", EmbeddingsRegularizer)
        .With("activity_regularizer", ActivityRegularizer).With("embeddings_constraint", EmbeddingsConstraint)
        .With("mask_zero", MaskZero).With("input_length", InputLength);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Embedding FromConfig(LayerConfig config) => config.Construct<Embedding>();
}
