namespace TfFunctional.Layers;

/// <summary>Reshapes every sample to <c>targetShape</c> (one entry may be −1, inferred), as Keras's Reshape.</summary>
public sealed class Reshape : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentException">More than one −1, or a dimension below −1 or zero.</exception>
    /// <param name="targetShape">The shape of each sample, as Keras's tuple: <c>(7, 7, 256)</c> or <c>[7, 7, 256]</c>.</param>
    /// <param name="name">The layer's name.</param>
    /// <param name="inputShape">The input shape, when this is a model's first layer.</param>
    public Reshape(IntOrTuple targetShape, string? name = null, ShapeArgument? inputShape = null) : this(targetShape.Values, name, inputShape) { }

    private Reshape(int[] targetShape, string? name, ShapeArgument? inputShape) : base(name, inputShape: inputShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d is 0 or < -1))
            throw new ArgumentException(
                $"There must be at most one unknown dimension (-1) and every other dimension must be positive in target_shape. Received: target_shape=({string.Join(", ", targetShape)})",
                nameof(targetShape));
        TargetShape = targetShape;
    }

    /// <summary>The shape of each sample; −1 is inferred.</summary>
    public IReadOnlyList<int> TargetShape { get; }

    /// <inheritdoc />
    public override bool SupportsMasking => false;

    /// <inheritdoc />
    protected override Tensor CallCore(Tensor inputs, CallContext context) =>
        Ops.Reshape(inputs, [inputs.Shape[0]!.Value, .. TargetShape.Select(d => (long)d)]);

    /// <inheritdoc />
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var sample = inputShape.Slice(1..);
        int?[] output = TargetShape.Select(d => (int?)d).ToArray();
        int known = TargetShape.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
        int unknown = Array.IndexOf(output, -1);
        if (!sample.IsFullyDefined)
        {
            if (unknown >= 0) output[unknown] = null;
            return new Shape([inputShape[0], .. output]);
        }
        long total = sample.Size!.Value;
        if (unknown >= 0 && known > 0 && total % known == 0)
            output[unknown] = (int)(total / known);
        else if (unknown >= 0 || total != known)
            throw new ArgumentException(
                $"Layer \"{Name}\": the total size of the tensor must be unchanged. Received: input_shape={inputShape}, target_shape=({string.Join(", ", TargetShape)}); " +
                $"{total} values cannot be reshaped to {new Shape(TargetShape.Select(d => (int?)(d == -1 ? null : d)).ToArray())}.");
        return new Shape([inputShape[0], .. output]);
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => base.GetConfig().With("target_shape", TargetShape);

    /// <summary>Makes the layer from its Keras config; a missing entry means the constructor's default.</summary>
    public static Reshape FromConfig(LayerConfig config) => config.Construct<Reshape>();
}
