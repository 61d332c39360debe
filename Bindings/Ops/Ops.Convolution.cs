using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;
using static TfFunctional.NativeScalars;

namespace TfFunctional;

public static partial class Ops
{
    /// <summary>
    /// An N-d convolution (N = <paramref name="strides"/>.Length, 1 to 3) with Keras's padding given as explicit
    /// before/after amounts (Keras's "same" puts the extra pad at the end). <paramref name="channelsLast"/> inputs are
    /// (batch, spatial…, channels) and stay so; the weight is stored (out, in/groups, kernel…), as libtorch computes.
    /// </summary>
    public static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias, int[] strides, int[] dilations,
        int[] padBefore, int[] padAfter, int groups, bool channelsLast)
    {
        int rank = strides.Length;
        var x = channelsLast ? ToChannelsFirst(input.Native, rank) : input.Native;
        long[] padding = padBefore.Select(p => (long)p).ToArray();
        if (!padBefore.SequenceEqual(padAfter))
        {
            x = F.pad(x, PadArgument(padBefore, padAfter));
            padding = new long[rank];
        }
        long[] s = strides.Select(v => (long)v).ToArray(), d = dilations.Select(v => (long)v).ToArray();
        var y = rank switch
        {
            1 => F.conv1d(x, weight.Native, bias?.Native, s[0], padding[0], d[0], groups),
            2 => F.conv2d(x, weight.Native, bias?.Native, s, padding, d, groups),
            3 => F.conv3d(x, weight.Native, bias?.Native, s, padding, d, groups),
            _ => throw new ArgumentException($"Convolutions have 1 to 3 spatial dimensions, not {rank}."),
        };
        return Wrap(channelsLast ? ToChannelsLast(y, rank) : y);
    }

    /// <summary>
    /// The full transposed convolution (no padding, no bias) over 1 or 2 spatial axes; the weight is stored
    /// (in, out, k…), as libtorch computes. Keras's output window is cut from it by the caller.
    /// </summary>
    public static Tensor ConvolutionTranspose(Tensor input, Tensor weight, int[] strides, int[] dilations, bool channelsLast)
    {
        int rank = strides.Length;
        var x = channelsLast ? ToChannelsFirst(input.Native, rank) : input.Native;
        long[] s = strides.Select(v => (long)v).ToArray(), d = dilations.Select(v => (long)v).ToArray(), zero = new long[rank];
        var y = rank switch
        {
            1 => F.conv_transpose1d(x, weight.Native, null, s[0], 0, 0, d[0], 1),
            2 => F.conv_transpose2d(x, weight.Native, null, s, zero, zero, d, 1),
            _ => throw new ArgumentException($"Transposed convolutions have 1 or 2 spatial dimensions here, not {rank}."),
        };
        return Wrap(channelsLast ? ToChannelsLast(y, rank) : y);
    }

    /// <summary>
    /// Max or average pooling with Keras's padding: "same" pads at the end, with −∞ for max pooling, and average
    /// pooling divides by the number of real (unpadded) values in each window, even when the padding is asymmetric.
    /// </summary>
    public static Tensor Pool(Tensor input, bool max, int[] poolSize, int[] strides, int[] padBefore, int[] padAfter, bool channelsLast)
    {
        int rank = poolSize.Length;
        var x = channelsLast ? ToChannelsFirst(input.Native, rank) : input.Native;
        bool padded = padBefore.Any(p => p > 0) || padAfter.Any(p => p > 0);
        long[] k = poolSize.Select(v => (long)v).ToArray(), s = strides.Select(v => (long)v).ToArray(), none = new long[rank];
        TorchTensor y;
        if (max)
        {
            if (padded) x = F.pad(x, PadArgument(padBefore, padAfter), PaddingModes.Constant, double.NegativeInfinity);
            y = rank switch
            {
                1 => F.max_pool1d(x, k[0], s[0]),
                2 => F.max_pool2d(x, k, s, none, [1, 1]),
                _ => F.max_pool3d(x, k, s, none, [1, 1, 1]),
            };
        }
        else
        {
            y = AveragePool(x, k, s, rank);
            if (padded)
            {
                // Sum over the zero-padded input divided by the count of real values in each window.
                var paddedInput = F.pad(x, PadArgument(padBefore, padAfter));
                using var ones = torch.ones_like(x);
                var counts = AveragePool(F.pad(ones, PadArgument(padBefore, padAfter)), k, s, rank);
                y = AveragePool(paddedInput, k, s, rank).div_(counts);
            }
        }
        return Wrap(channelsLast ? ToChannelsLast(y, rank) : y);
    }

    private static TorchTensor AveragePool(TorchTensor x, long[] k, long[] s, int rank) => rank switch
    {
        1 => F.avg_pool1d(x, k[0], s[0]),
        2 => F.avg_pool2d(x, k, s),
        _ => F.avg_pool3d(x, k, s),
    };

    /// <summary>Pads the spatial axes with zeros (before, after per axis).</summary>
    public static Tensor PadSpatial(Tensor input, int[] padBefore, int[] padAfter, bool channelsLast)
    {
        int rank = padBefore.Length;
        var x = channelsLast ? ToChannelsFirst(input.Native, rank) : input.Native;
        return Wrap(channelsLast ? ToChannelsLast(F.pad(x, PadArgument(padBefore, padAfter)), rank) : F.pad(x, PadArgument(padBefore, padAfter)));
    }

    /// <summary>Resizes the spatial axes by integer factors: nearest repeats each value, bilinear interpolates (half-pixel centers, as Keras).</summary>
    public static Tensor Upsample(Tensor input, int[] factors, bool bilinear, bool channelsLast)
    {
        int rank = factors.Length;
        var x = channelsLast ? ToChannelsFirst(input.Native, rank) : input.Native;
        TorchTensor y;
        if (bilinear)
            y = F.interpolate(x, scale_factor: factors.Select(f => (double)f).ToArray(),
                mode: rank == 1 ? InterpolationMode.Linear : InterpolationMode.Bilinear, align_corners: false);
        else
        {
            y = x;
            for (int axis = 0; axis < rank; axis++) y = y.repeat_interleave(factors[axis], 2 + axis);
        }
        return Wrap(channelsLast ? ToChannelsLast(y, rank) : y);
    }

    private static long[] PadArgument(int[] before, int[] after)
    {
        // torch's pad lists the last axis first: (last_before, last_after, previous_before, previous_after, …).
        var pad = new long[before.Length * 2];
        for (int i = 0; i < before.Length; i++)
        {
            int axis = before.Length - 1 - i;
            pad[2 * i] = before[axis];
            pad[2 * i + 1] = after[axis];
        }
        return pad;
    }

    private static TorchTensor ToChannelsFirst(TorchTensor x, int rank) =>
        x.permute([0, rank + 1, .. Enumerable.Range(1, rank).Select(i => (long)i)]);

    private static TorchTensor ToChannelsLast(TorchTensor x, int rank) =>
        x.permute([0, .. Enumerable.Range(2, rank).Select(i => (long)i), 1]);

    /// <summary>
    /// Batch normalization with Keras's rules over every axis but <paramref name="axis"/>: in training the batch mean and
    /// biased variance normalize (over the positions <paramref name="mask"/> keeps, when given), and the moving statistics
    /// become <c>moving·momentum + batch·(1 − momentum)</c>.
    /// </summary>
    public static Tensor BatchNormalization(Tensor x, Variable movingMean, Variable movingVariance, Tensor? gamma, Tensor? beta,
        int axis, double momentum, double epsilon, bool training, Tensor? mask = null)
    {
        var input = x.Native;
        int rank = (int)input.dim();
        int channel = axis < 0 ? axis + rank : axis;
        long[] reduce = Enumerable.Range(0, rank).Where(a => a != channel).Select(a => (long)a).ToArray();
        var shape = Enumerable.Range(0, rank).Select(a => a == channel ? input.shape[a] : 1L).ToArray();
        using Scalar momentumValue = momentum, oneMinusMomentum = 1 - momentum, epsilonValue = epsilon;
        TorchTensor mean, variance;
        if (training)
        {
            (mean, variance) = Moments(input, mask?.Native, reduce);
            using (torch.no_grad())
            {
                movingMean.Native.mul_(momentumValue).add_(mean.detach().reshape(movingMean.Native.shape), oneMinusMomentum);
                movingVariance.Native.mul_(momentumValue).add_(variance.detach().reshape(movingVariance.Native.shape), oneMinusMomentum);
            }
        }
        else
        {
            mean = movingMean.Native.reshape(shape);
            variance = movingVariance.Native.reshape(shape);
        }
        var y = input.sub(mean) * variance.add(epsilonValue, One).rsqrt();
        if (gamma is not null) y = y * gamma.Native.reshape(shape);
        if (beta is not null) y = y.add(beta.Native.reshape(shape), One);
        return Wrap(y);
    }

    /// <summary>
    /// The batch mean and biased variance over <paramref name="reduce"/>; under a mask, Keras's masked moments: the mask
    /// (the input's shape without its last axis) spreads over the last axis and only kept positions count (Keras's
    /// backend epsilon keeps an all-masked batch finite).
    /// </summary>
    private static (TorchTensor Mean, TorchTensor Variance) Moments(TorchTensor input, TorchTensor? mask, long[] reduce)
    {
        if (mask is null)
        {
            var batchMean = input.mean(reduce, keepdim: true);
            return (batchMean, input.sub(batchMean).square().mean(reduce, keepdim: true));
        }
        using Scalar backendEpsilon = 1e-7;
        var keep = mask.unsqueeze(-1).expand_as(input).to_type(input.dtype);
        var count = keep.sum(reduce, keepdim: true).add(backendEpsilon, One);
        var mean = input.mul(keep).sum(reduce, keepdim: true).div(count);
        return (mean, input.sub(mean).mul(keep).square().sum(reduce, keepdim: true).div(count));
    }

    /// <summary>Layer normalization over <paramref name="axes"/>: biased variance, epsilon inside the root, then gamma and beta.</summary>
    public static Tensor LayerNormalization(Tensor x, int[] axes, Tensor? gamma, Tensor? beta, double epsilon)
    {
        var input = x.Native;
        int rank = (int)input.dim();
        long[] reduce = axes.Select(a => (long)(a < 0 ? a + rank : a)).ToArray();
        var mean = input.mean(reduce, keepdim: true);
        var variance = input.sub(mean).square().mean(reduce, keepdim: true);
        using Scalar epsilonValue = epsilon;
        var y = input.sub(mean) * variance.add(epsilonValue, One).rsqrt();
        var shape = Enumerable.Range(0, rank).Select(a => reduce.Contains(a) ? input.shape[a] : 1L).ToArray();
        if (gamma is not null) y = y * gamma.Native.reshape(shape);
        if (beta is not null) y = y.add(beta.Native.reshape(shape), One);
        return Wrap(y);
    }
}
