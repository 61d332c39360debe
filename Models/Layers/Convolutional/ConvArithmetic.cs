namespace TfFunctional.Layers;

/// <summary>Keras's output-size and padding rules (keras/src/ops/operation_utils.py, conv_utils).</summary>
internal static class ConvArithmetic
{
    /// <summary>The output length along one axis; null when the input length is unknown.</summary>
    public static int? OutputLength(int? input, int kernel, int stride, int dilation, string padding)
    {
        if (input is not int n) return null;
        int dilated = kernel + (kernel - 1) * (dilation - 1);
        int length = padding is "same" or "causal" ? n : n - dilated + 1;
        return length <= 0 ? length : (length + stride - 1) / stride;
    }

    /// <summary>(before, after) padding of one axis: "same" puts the extra pad at the end, "causal" all before.</summary>
    public static (int Before, int After) Padding(int input, int kernel, int stride, int dilation, string padding)
    {
        int dilated = (kernel - 1) * dilation + 1;
        switch (padding)
        {
            case "same":
                int total = Math.Max(((input + stride - 1) / stride - 1) * stride + dilated - input, 0);
                return (total / 2, total - total / 2);
            case "causal":
                return (dilated - 1, 0);
            default:
                return (0, 0);
        }
    }

    /// <summary>(before, after) padding of every spatial axis of <paramref name="inputs"/>.</summary>
    public static (int[] Before, int[] After) Pads(Shape inputs, int[] kernel, int[] strides, int[] dilations, string padding, bool channelsLast)
    {
        int rank = kernel.Length;
        var before = new int[rank];
        var after = new int[rank];
        for (int i = 0; i < rank; i++)
            (before[i], after[i]) = Padding(inputs[channelsLast ? 1 + i : 2 + i]!.Value, kernel[i], strides[i], dilations[i], padding);
        return (before, after);
    }

    /// <summary>Checks the Keras padding name.</summary>
    public static string CheckPadding(string padding, bool allowCausal)
    {
        string value = padding.ToLowerInvariant();
        if (value is "valid" or "same" || (allowCausal && value == "causal")) return value;
        throw new ArgumentException(
            $"The `padding` argument must be one of \"valid\", \"same\"{(allowCausal ? " (or \"causal\")" : "")}. Received: {padding}", nameof(padding));
    }

    /// <summary>Checks the Keras data format name.</summary>
    public static string CheckDataFormat(string? dataFormat)
    {
        string value = dataFormat ?? "channels_last";
        if (value is "channels_last" or "channels_first") return value;
        throw new ArgumentException($"The `data_format` argument must be one of \"channels_first\", \"channels_last\". Received: data_format={dataFormat}", nameof(dataFormat));
    }
}
