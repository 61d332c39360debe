using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static TfFunctional.NativeScalars;

namespace TfFunctional;

public static partial class Ops
{
    /// <summary><c>max(x, 0)</c>.</summary>
    public static Tensor Relu(Tensor x) => Wrap(x.Native.relu());

    /// <summary>Keras's general relu: threshold, negative slope and max value, as <c>keras.activations.relu</c>.</summary>
    public static Tensor Relu(Tensor x, double negativeSlope, double? maxValue, double threshold)
    {
        if (negativeSlope == 0 && maxValue is null && threshold == 0)
            return Relu(x);
        var input = x.Native;
        using Scalar thresholdValue = threshold, slope = negativeSlope, max = maxValue ?? 0;
        var positive = threshold == 0 ? input.relu() : torch.where(input.gt(thresholdValue), input, torch.zeros_like(input));
        if (maxValue is not null)
            positive = positive.clamp_max(max);
        if (negativeSlope != 0)
            positive = positive.add(torch.where(input.lt(thresholdValue), input.sub(thresholdValue), torch.zeros_like(input)).mul(slope), One);
        return Wrap(positive);
    }

    /// <summary><c>min(max(x, 0), 6)</c>.</summary>
    public static Tensor Relu6(Tensor x) => Wrap(F.relu6(x.Native));

    /// <summary><c>x</c> for x ≥ 0, else <c>negativeSlope·x</c>.</summary>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope)
    {
        using Scalar slope = negativeSlope;
        return Wrap(x.Native.leaky_relu(slope));
    }

    /// <summary><c>1 / (1 + exp(-x))</c>.</summary>
    public static Tensor Sigmoid(Tensor x) => Wrap(torch.sigmoid(x.Native));

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => Wrap(torch.tanh(x.Native));

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => Wrap(torch.softmax(x.Native, axis));

    /// <summary>
    /// Softmax along <paramref name="axis"/> over the entries <paramref name="keep"/> (bool, broadcastable to
    /// <paramref name="x"/>) keeps, as Keras's Softmax layer under a mask: the others count as <paramref name="fill"/>
    /// (a large negative number) and come out as 0, so an axis with nothing kept is all zeros.
    /// </summary>
    public static Tensor MaskedSoftmax(Tensor x, Tensor keep, int axis, double fill)
    {
        using var dropped = keep.Native.logical_not();
        using Scalar low = fill, zero = 0.0;
        using var filled = x.Native.masked_fill(dropped, low);
        using var weights = torch.softmax(filled, axis);
        return Wrap(weights.masked_fill(dropped, zero));
    }

    /// <summary>Log-softmax along <paramref name="axis"/>.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => Wrap(x.Native.log_softmax(axis));

    /// <summary><c>x</c> for x &gt; 0, else <c>alpha·(exp(x) − 1)</c>.</summary>
    public static Tensor Elu(Tensor x, double alpha = 1.0)
    {
        using Scalar alphaValue = alpha, one = 1;
        return Wrap(x.Native.elu(alphaValue, one, one));
    }

    /// <summary>Scaled ELU with Keras's constants (alpha 1.67326…, scale 1.05070…).</summary>
    public static Tensor Selu(Tensor x) => Wrap(F.selu(x.Native));

    /// <summary><c>log(exp(x) + 1)</c>.</summary>
    public static Tensor Softplus(Tensor x) => Wrap(F.softplus(x.Native));

    /// <summary><c>x / (|x| + 1)</c>.</summary>
    public static Tensor Softsign(Tensor x) => Wrap(F.softsign(x.Native));

    /// <summary>Keras 3's hard sigmoid: <c>relu6(x + 3) / 6</c>.</summary>
    public static Tensor HardSigmoid(Tensor x) => Wrap(F.hardsigmoid(x.Native));

    /// <summary>The hard sigmoid of Keras ≤ 2.x and TF.js: <c>clip(0.2·x + 0.5, 0, 1)</c>.</summary>
    public static Tensor HardSigmoidLegacy(Tensor x)
    {
        using Scalar slope = 0.2, offset = 0.5, zero = 0, one = 1;
        return Wrap(x.Native.mul(slope).add(offset, One).clamp(zero, one));
    }

    /// <summary><c>exp(x)</c>.</summary>
    public static Tensor Exponential(Tensor x) => Exp(x);

    /// <summary>GELU, exact (erf) or with the tanh approximation.</summary>
    public static Tensor Gelu(Tensor x, bool approximate = false)
    {
        if (!approximate)
            return Wrap(F.gelu(x.Native));
        var input = x.Native;
        using Scalar three = 3, cubic = 0.044715, scale = Math.Sqrt(2.0 / Math.PI), half = 0.5, one = 1;
        var inner = input.add(input.pow(three).mul(cubic), One).mul(scale);
        return Wrap(input.mul(half).mul(inner.tanh().add(one, One)));
    }

    /// <summary><c>x · sigmoid(x)</c> (swish, silu).</summary>
    public static Tensor Silu(Tensor x) => Wrap(F.silu(x.Native));

    /// <summary>Inverted dropout: in training, zeroes each value with probability <paramref name="rate"/> and scales the rest by 1/(1 − rate).</summary>
    public static Tensor Dropout(Tensor x, double rate, bool training) =>
        training && rate > 0 ? Wrap(F.dropout(x.Native, rate, true)) : x;
}
