namespace TfFunctional.Tests.Layers;

/// <summary>
/// One row of the layer test, as Keras's <c>run_layer_test</c> takes it: how to make the layer, the shapes it is called
/// on (several: it is called on a list), and what Keras says it gives (output shape, weight counts, masking, the rank it
/// refuses). Shapes leave out the batch axis.
/// </summary>
public sealed record LayerTestCase(string Name, Func<Layer> Make, int?[][] InputShapes, int?[] OutputShape)
{
    /// <summary>The inputs' dtype (int32 for Embedding).</summary>
    public DType DType { get; init; } = DType.Float32;

    /// <summary>Keras's <c>expected_num_trainable_weights</c>.</summary>
    public int Trainable { get; init; }

    /// <summary>Keras's <c>expected_num_non_trainable_weights</c>.</summary>
    public int NonTrainable { get; init; }

    /// <summary>Whether the layer takes a mask (passes it on or consumes it), as Keras's <c>supports_masking</c>.</summary>
    public bool Masking { get; init; }

    /// <summary>
    /// The layer applies a mask broadcast against its inputs, as Keras's Softmax: the mask Masking passes on (the input's
    /// shape without its feature axis) broadcasts only where sizes happen to line up, so the layer's own tests cover it.
    /// </summary>
    public bool MaskBroadcastsToInputs { get; init; }

    /// <summary>An input shape of the wrong rank that Keras refuses through the layer's input spec; null when every rank is taken.</summary>
    public int?[]? WrongRank { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
