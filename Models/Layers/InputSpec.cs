namespace TfFunctional.Layers;

/// <summary>What a layer accepts: a rank (exact, minimum or maximum) and known values of some axes, as Keras's InputSpec.</summary>
public sealed record InputSpec(int? Ndim = null, int? MinNdim = null, int? MaxNdim = null,
    IReadOnlyDictionary<int, int>? Axes = null)
{
    /// <summary>
    /// Checks <paramref name="shape"/>; throws with Keras's words when it does not fit.
    /// </summary>
    internal void Check(Layer layer, int inputIndex, Shape shape)
    {
        string prefix = $"Input {inputIndex} of layer \"{layer.Name}\" is incompatible with the layer: ";
        if (Ndim is int n && shape.Rank != n)
            throw new ArgumentException(prefix + $"expected ndim={n}, found ndim={shape.Rank}. Full shape received: {shape}");
        if (MinNdim is int min && shape.Rank < min)
            throw new ArgumentException(prefix + $"expected min_ndim={min}, found ndim={shape.Rank}. Full shape received: {shape}");
        if (MaxNdim is int max && shape.Rank > max)
            throw new ArgumentException(prefix + $"expected max_ndim={max}, found ndim={shape.Rank}. Full shape received: {shape}");
        if (Axes is null) return;
        foreach (var (axis, value) in Axes)
        {
            int index = axis < 0 ? axis + shape.Rank : axis;
            if (index < 0 || index >= shape.Rank) continue;
            if (shape[index] is int actual && actual != value)
                throw new ArgumentException(prefix +
                    $"expected axis {axis} of input shape to have value {value}, but received input with shape {shape}");
        }
    }
}
