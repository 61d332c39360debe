using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>
/// What tf-keras's <c>preprocess_weights_for_loading</c> does to old files: Keras 1 recurrent layers stored one
/// kernel, recurrent kernel and bias per gate; they are joined into Keras 2's layout.
/// </summary>
internal static class LegacyConversions
{
    public static List<WeightValue> Apply(Layer layer, List<WeightValue> values, LoadOptions options)
    {
        if (layer is Conv conv && values.Count > 0)
        {
            var kernel = values[0];
            // Keras 1 with Theano ordering kept kernels (out, in, k…); Keras 2 keeps (k…, in, out).
            if (options.KerasMajor < 2 && kernel.Shape[0] == conv.Filters && kernel.Shape[^1] != conv.Filters)
                kernel = Transform(kernel, t => Ops.Transpose(t, [.. Enumerable.Range(2, conv.Rank).Select(i => (long)i), 1, 0]));
            // Theano convolved with flipped kernels (any Keras version): flip the spatial axes back.
            if (options.Theano)
                kernel = Transform(kernel, t => Enumerable.Range(0, conv.Rank).Aggregate(t, (x, axis) => Ops.Flip(x, axis)));
            return [kernel, .. values.Skip(1)];
        }
        if (options.KerasMajor >= 2) return values;
        return layer switch
        {
            // Keras 1 LSTM: [W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o] → gates i, f, c, o.
            LSTM when values.Count == 12 => JoinGates(values, [0, 6, 3, 9]),
            // Keras 1 GRU: [W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h] → gates z, r, h.
            GRU when values.Count == 9 => JoinGates(values, [0, 3, 6]),
            _ => values,
        };
    }

    private static List<WeightValue> JoinGates(List<WeightValue> values, int[] gateStarts) =>
    [
        JoinColumns(gateStarts.Select(g => values[g]).ToArray()),
        JoinColumns(gateStarts.Select(g => values[g + 1]).ToArray()),
        new(gateStarts.SelectMany(g => values[g + 2].Values).ToArray(), new Shape(gateStarts.Sum(g => values[g + 2].Shape[0]!.Value))),
    ];

    private static WeightValue Transform(WeightValue value, Func<Tensor, Tensor> transform)
    {
        using var scope = Ops.NewScope();
        var result = transform(Tensor.From(value.Values, value.Shape.Select(d => (long)d!.Value).ToArray()));
        return new WeightValue(result.ToArray<float>(), result.Shape);
    }

    /// <summary>Concatenates 2-D weights along their last axis.</summary>
    private static WeightValue JoinColumns(WeightValue[] parts)
    {
        int rows = parts[0].Shape[0]!.Value;
        int columns = parts.Sum(p => p.Shape[1]!.Value);
        var joined = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            int offset = 0;
            foreach (var part in parts)
            {
                int width = part.Shape[1]!.Value;
                for (int c = 0; c < width; c++) joined[r * columns + offset + c] = part.At(r, c);
                offset += width;
            }
        }
        return new WeightValue(joined, new Shape(rows, columns));
    }
}
