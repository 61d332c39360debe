namespace TfFunctional.Layers;

/// <summary>Permutes the non-batch axes; <c>dims</c> is 1-based, as Keras's Permute((2, 1)).</summary>
public sealed class Permute : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentException"><paramref name="dims"/> is not a permutation of 1..n.</exception>
    public Permute(IntOrTuple dims, string? name = null, ShapeArgument? inputShape = null) : this(dims.Values, name, inputShape) { }

    private Permute(int[] dims, string? name, ShapeArgument? inputShape) : base(name, inputShape: inputShape)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException(
                $"Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. Received dims=({string.Join(", ", dims)})",
                nameof(dims));
        Dims = dims;
        InputSpec = new InputSpec(Ndim: dims.Length + 1);
    }

    /// <summary>The 1-based permutation of the sample axes.</summary>
    public IReadOnlyList<int> Dims { get; }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.Transpose(inputs, [0, .. Dims.Select(d => (long)d)]);

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => new([inputShape[0], .. Dims.Select(d => inputShape[d])]);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("dims", Dims);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Permute FromConfig(LayerConfig config) => config.Construct<Permute>();
}
