namespace TfFunctional.Layers;

/// <summary>Repeats a (batch, features) input <c>n</c> times: output (batch, n, features).</summary>
public sealed class RepeatVector : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not positive.</exception>
    public RepeatVector(int n, string? name = null, ShapeArgument? inputShape = null) : base(name, inputShape: inputShape)
    {
        if (n <= 0)
            throw new ArgumentOutOfRangeException(nameof(n), $"Expected an integer value for `n` larger than 0. Received: n={n}");
        N = n;
        InputSpec = new InputSpec(Ndim: 2);
    }

    /// <summary>The number of repetitions.</summary>
    public int N { get; }

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) => Ops.Tile(Ops.ExpandDims(inputs, 1), 1, N, 1);

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape[0], N, inputShape[1]);

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("n", N);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static RepeatVector FromConfig(LayerConfig config) => config.Construct<RepeatVector>();
}
