using TorchSharp;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;
using static TfFunctional.NativeScalars;

namespace TfFunctional;

public static partial class Ops
{
    /// <summary><c>x + y</c> with broadcasting.</summary>
    public static Tensor Add(Tensor x, Tensor y) => Wrap(x.Native.add(y.Native, One));

    /// <summary><c>x - y</c> with broadcasting.</summary>
    public static Tensor Subtract(Tensor x, Tensor y) => Wrap(x.Native.sub(y.Native));

    /// <summary><c>x * y</c> with broadcasting.</summary>
    public static Tensor Multiply(Tensor x, Tensor y) => Wrap(x.Native * y.Native);

    /// <summary><c>x * scalar</c>.</summary>
    public static Tensor Multiply(Tensor x, double scalar)
    {
        using Scalar factor = scalar;
        return Wrap(x.Native * factor);
    }

    /// <summary><c>x / y</c> with broadcasting.</summary>
    public static Tensor Divide(Tensor x, Tensor y) => Wrap(x.Native / y.Native);

    /// <summary><c>x / scalar</c>.</summary>
    public static Tensor Divide(Tensor x, double scalar)
    {
        using Scalar divisor = scalar;
        return Wrap(x.Native.div(divisor));
    }

    /// <summary>Element-wise maximum with broadcasting.</summary>
    public static Tensor Maximum(Tensor x, Tensor y) => Wrap(torch.maximum(x.Native, y.Native));

    /// <summary>Element-wise minimum with broadcasting.</summary>
    public static Tensor Minimum(Tensor x, Tensor y) => Wrap(torch.minimum(x.Native, y.Native));

    /// <summary>Element-wise absolute value.</summary>
    public static Tensor Abs(Tensor x) => Wrap(x.Native.abs());

    /// <summary>Element-wise rounding to the nearest integer, halves to even (as NumPy's and Keras's <c>round</c>).</summary>
    public static Tensor Round(Tensor x) => Wrap(x.Native.round());

    /// <summary>Element-wise square.</summary>
    public static Tensor Square(Tensor x) => Wrap(x.Native.square());

    /// <summary>Element-wise square root.</summary>
    public static Tensor Sqrt(Tensor x) => Wrap(x.Native.sqrt());

    /// <summary>Element-wise exponential.</summary>
    public static Tensor Exp(Tensor x) => Wrap(x.Native.exp());

    /// <summary>Element-wise natural logarithm.</summary>
    public static Tensor Log(Tensor x) => Wrap(x.Native.log());

    /// <summary>Clips every value to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Tensor Clip(Tensor x, double min, double max)
    {
        using Scalar low = min, high = max;
        return Wrap(x.Native.clamp(low, high));
    }

    /// <summary>Raises every value below <paramref name="min"/> to it.</summary>
    public static Tensor ClipMin(Tensor x, double min)
    {
        using Scalar low = min;
        return Wrap(x.Native.clamp_min(low));
    }

    /// <summary>Sum of all elements, or along <paramref name="axis"/>.</summary>
    public static Tensor Sum(Tensor x, int? axis = null, bool keepDims = false) =>
        Wrap(axis is int a ? x.Native.sum(a, keepDims) : x.Native.sum());

    /// <summary>Sum along several axes.</summary>
    public static Tensor Sum(Tensor x, int[] axes, bool keepDims = false) =>
        Wrap(x.Native.sum(axes.Select(a => (long)a).ToArray(), keepDims));

    /// <summary>Mean of all elements, or along <paramref name="axis"/>.</summary>
    public static Tensor Mean(Tensor x, int? axis = null, bool keepDims = false) =>
        Wrap(axis is int a ? x.Native.mean([a], keepDims) : x.Native.mean());

    /// <summary>Maximum of all elements, or along <paramref name="axis"/>.</summary>
    public static Tensor Max(Tensor x, int? axis = null, bool keepDims = false) =>
        Wrap(axis is int a ? x.Native.amax([a], keepDims) : x.Native.max());

    /// <summary>Matrix product with NumPy's broadcasting rules.</summary>
    public static Tensor Matmul(Tensor x, Tensor y) => Wrap(torch.matmul(x.Native, y.Native));

    /// <summary>
    /// <c>dot(x, kernel) + bias</c> with a Keras-layout kernel (in, out): one fused <c>addmm</c> for rank-2 inputs.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor kernel, Tensor? bias)
    {
        var input = x.Native;
        if (input.dim() == 2)
            return Wrap(bias is null ? input.mm(kernel.Native) : torch.addmm(bias.Native, input, kernel.Native, 1, 1));
        var product = torch.matmul(input, kernel.Native);
        return Wrap(bias is null ? product : product.add_(bias.Native, One));
    }

    /// <summary><paramref name="length"/> entries of <paramref name="axis"/> from <paramref name="start"/> (a view).</summary>
    public static Tensor Narrow(Tensor x, int axis, long start, long length) => Wrap(x.Native.narrow(axis, start, length));

    /// <summary>A copy with its own memory.</summary>
    public static Tensor Copy(Tensor x) => Wrap(x.Native.clone());

    /// <summary>The tensor itself when its values are contiguous in host memory, else such a copy.</summary>
    internal static Tensor HostContiguous(Tensor x) =>
        x.Native.device_type == DeviceType.CPU && x.Native.is_contiguous() ? x : Wrap(x.Native.cpu().contiguous());

    /// <summary>A contiguous copy in host memory, outside every memory scope (a buffer, as <see cref="HostZeros"/>); the caller disposes it.</summary>
    internal static Tensor HostCopy(Tensor x) => Unscoped(x.Native.to(torch.CPU, copy: true).contiguous());

    /// <summary>Writes <paramref name="source"/>'s values into <paramref name="destination"/> (same shape, any device).</summary>
    internal static void CopyInto(Tensor destination, Tensor source) => destination.Native.copy_(source.Native);

    /// <summary><c>x · weightᵀ + bias</c> for a weight stored (out, in), as the runtime keeps recurrent and large Dense kernels.</summary>
    public static Tensor LinearTransposed(Tensor x, Tensor weight, Tensor? bias) =>
        Wrap(torch.nn.functional.linear(x.Native, weight.Native, bias?.Native));

    /// <summary>
    /// <paramref name="x"/> without gradient history, outside every memory scope (state kept across calls, such as a
    /// stateful RNN's); the caller disposes it.
    /// </summary>
    public static Tensor Detached(Tensor x) => Unscoped(x.Native.detach());

    /// <summary>Takes <paramref name="native"/> out of the memory scope it was made in: the caller disposes it.</summary>
    private static Tensor Unscoped(TorchTensor native)
    {
        native.DetachFromDisposeScope();
        return Wrap(native);
    }

    /// <summary>Reverses the order along <paramref name="axis"/>.</summary>
    public static Tensor Flip(Tensor x, int axis) => Wrap(x.Native.flip(axis));

    /// <summary>Splits into <paramref name="parts"/> equal chunks along <paramref name="axis"/> (views).</summary>
    public static Tensor[] Split(Tensor x, int parts, int axis) => x.Native.chunk(parts, axis).Select(Wrap).ToArray();

    /// <summary>The slice at <paramref name="index"/> of <paramref name="axis"/>, without that axis (a view).</summary>
    public static Tensor Select(Tensor x, int axis, long index) => Wrap(x.Native.select(axis, index));

    /// <summary>Looks up rows of <paramref name="table"/> for integer <paramref name="indices"/> of any shape.</summary>
    public static Tensor Embedding(Tensor indices, Tensor table) =>
        Wrap(table.Native.index_select(0, indices.Native.reshape(-1).to_type(ScalarType.Int64))
            .reshape([.. indices.Native.shape, table.Native.shape[1]]));

    /// <summary>Einstein summation, as NumPy's <c>einsum</c>.</summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) =>
        Wrap(torch.einsum(equation, operands.Select(o => o.Native).ToArray()));

    /// <summary>A lower-triangular boolean matrix: true where column ≤ row (a causal mask).</summary>
    public static Tensor CausalMask(long rows, long columns) =>
        Wrap(torch.ones([rows, columns], ScalarType.Bool, _device).tril());

    /// <summary>Reshapes to <paramref name="shape"/> (one entry may be -1).</summary>
    public static Tensor Reshape(Tensor x, params long[] shape) => Wrap(x.Native.reshape(shape));

    /// <summary>Permutes the axes.</summary>
    public static Tensor Transpose(Tensor x, params long[] axes) => Wrap(x.Native.permute(axes));

    /// <summary>Joins tensors along <paramref name="axis"/>.</summary>
    public static Tensor Concatenate(IReadOnlyList<Tensor> tensors, int axis = -1) =>
        Wrap(torch.cat(tensors.Select(t => t.Native).ToArray(), axis));

    /// <summary>Stacks tensors along a new <paramref name="axis"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0) =>
        Wrap(torch.stack(tensors.Select(t => t.Native).ToArray(), axis));

    /// <summary>Inserts an axis of length 1.</summary>
    public static Tensor ExpandDims(Tensor x, int axis) => Wrap(x.Native.unsqueeze(axis));

    /// <summary>Removes an axis of length 1.</summary>
    public static Tensor Squeeze(Tensor x, int axis) => Wrap(x.Native.squeeze(axis));

    /// <summary>Repeats <paramref name="x"/> along each axis (NumPy's <c>tile</c>).</summary>
    public static Tensor Tile(Tensor x, params long[] repeats) => Wrap(x.Native.repeat(repeats));

    /// <summary>Converts to another dtype.</summary>
    public static Tensor Cast(Tensor x, DType dtype) => Wrap(x.Native.to_type(ToScalarType(dtype)));

    /// <summary>As <see cref="Cast"/>, refusing integers that <paramref name="dtype"/> cannot hold instead of wrapping them around.</summary>
    /// <exception cref="ArgumentException">A value outside the target integer type's range.</exception>
    public static Tensor CastChecked(Tensor x, DType dtype) => Wrap(CheckedConversion(x.Native, ToScalarType(dtype)));

    /// <summary><c>x / sqrt(max(sum(x²), epsilon))</c> along <paramref name="axis"/>, as Keras's l2_normalize.</summary>
    public static Tensor L2Normalize(Tensor x, int axis = -1, double epsilon = 1e-12)
    {
        using Scalar low = epsilon;
        var squareSum = x.Native.square().sum(axis, keepdim: true);
        return Wrap(x.Native * squareSum.clamp_min(low).rsqrt());
    }

    /// <summary>Selects from <paramref name="x"/> where <paramref name="condition"/> is true, else from <paramref name="y"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y) => Wrap(torch.where(condition.Native, x.Native, y.Native));

    /// <summary>Element-wise <c>x != 0</c> … as a boolean tensor.</summary>
    public static Tensor NotEqual(Tensor x, double value)
    {
        using Scalar other = value;
        return Wrap(x.Native.ne(other));
    }

    /// <summary>
    /// Element-wise binary cross-entropy <c>−(y·log p + (1 − y)·log(1 − p))</c>: from logits with the stable formula,
    /// otherwise with p clipped to [epsilon, 1 − epsilon] as Keras does.
    /// </summary>
    public static Tensor BinaryCrossentropy(Tensor target, Tensor output, bool fromLogits, double epsilon)
    {
        if (fromLogits)
            return Wrap(torch.nn.functional.binary_cross_entropy_with_logits(output.Native, target.Native, reduction: torch.nn.Reduction.None));
        using Scalar low = epsilon, high = 1 - epsilon, one = 1;
        var p = output.Native.clamp(low, high);
        var t = target.Native;
        return Wrap((t * p.log()).add(t.neg().add(one, One) * p.neg().add(one, One).log(), One).neg());
    }

    /// <summary>For each position, the entry of the last axis named by <paramref name="indices"/> (int64, one rank lower).</summary>
    public static Tensor TakeAlongLastAxis(Tensor x, Tensor indices) =>
        Wrap(x.Native.gather(-1, indices.Native.unsqueeze(-1)).squeeze(-1));

    /// <summary>Index of the largest entry along <paramref name="axis"/>.</summary>
    public static Tensor Argmax(Tensor x, int axis = -1) => Wrap(x.Native.argmax(axis));

    /// <summary>Element-wise equality as a boolean tensor.</summary>
    public static Tensor Equal(Tensor x, Tensor y) => Wrap(x.Native.eq(y.Native));

    /// <summary>Element-wise <c>x &gt; value</c> as a boolean tensor.</summary>
    public static Tensor Greater(Tensor x, double value)
    {
        using Scalar other = value;
        return Wrap(x.Native.gt(other));
    }

    /// <summary>Rows of <paramref name="x"/> at <paramref name="indices"/> along axis 0.</summary>
    public static Tensor Gather(Tensor x, Tensor indices) => Wrap(x.Native.index_select(0, indices.Native));

    /// <summary>1 where <paramref name="targets"/>' class is among the <paramref name="k"/> largest predictions of its row, else 0.</summary>
    public static Tensor InTopK(Tensor predictions, Tensor targets, int k)
    {
        var (_, indices) = predictions.Native.topk(Math.Min(k, (int)predictions.Native.shape[^1]), -1);
        return Wrap(indices.eq(targets.Native.unsqueeze(-1)).any(-1).to_type(ScalarType.Float32));
    }

    /// <summary>Element-wise logical or of two boolean tensors.</summary>
    public static Tensor LogicalOr(Tensor x, Tensor y) => Wrap(x.Native.logical_or(y.Native));

    /// <summary>Element-wise logical and of two boolean tensors.</summary>
    public static Tensor LogicalAnd(Tensor x, Tensor y) => Wrap(x.Native.logical_and(y.Native));

    /// <summary>True along <paramref name="axis"/> where any element is true.</summary>
    public static Tensor Any(Tensor x, int axis, bool keepDims = false) => Wrap(x.Native.any(axis, keepDims));

    /// <summary>Broadcasts <paramref name="x"/> to <paramref name="shape"/> (a view).</summary>
    public static Tensor BroadcastTo(Tensor x, params long[] shape) => Wrap(x.Native.expand(shape));

    /// <summary>A boolean tensor of true values shaped like <paramref name="x"/>.</summary>
    public static Tensor TrueLike(Tensor x) => Wrap(torch.ones_like(x.Native, ScalarType.Bool));

    /// <summary>True where the value is finite.</summary>
    public static Tensor IsFinite(Tensor x) => Wrap(x.Native.isfinite());

    /// <summary>True when every element is true (non-zero).</summary>
    public static bool All(Tensor x) => x.Native.all().item<bool>();

    /// <summary>The smallest and largest value of a tensor in one native pass (as long), or null for an empty tensor.</summary>
    public static (long Min, long Max)? IntegerRange(Tensor x) => IntegerRange(x.Native);

    private static (long Min, long Max)? IntegerRange(torch.Tensor x)
    {
        if (x.numel() == 0) return null;
        var (min, max) = torch.aminmax(x);
        using (min)
        using (max)
            // Read in the tensor's own type: a conversion first would cost two more native calls per lookup.
            return x.dtype switch
            {
                ScalarType.Int32 => (min.item<int>(), max.item<int>()),
                ScalarType.Int64 => (min.item<long>(), max.item<long>()),
                _ => (min.to_type(ScalarType.Int64).item<long>(), max.to_type(ScalarType.Int64).item<long>()),
            };
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public static double Item(Tensor x) => x.Native.to_type(ScalarType.Float64).item<double>();

    /// <summary>Batched dot product of <paramref name="x"/> and <paramref name="y"/> over the given (non-batch) axes, as Keras's <c>batch_dot</c>.</summary>
    public static Tensor BatchDot(Tensor x, Tensor y, int axisX, int axisY)
    {
        // Move the contracted axis of x last and of y first (after batch), flatten the rest, one bmm, then restore.
        var a = x.Native;
        var b = y.Native;
        long batch = a.shape[0];
        int rankX = (int)a.dim(), rankY = (int)b.dim();
        var permX = Enumerable.Range(0, rankX).Where(i => i != axisX).Append(axisX).Select(i => (long)i).ToArray();
        var permY = new[] { 0, axisY }.Concat(Enumerable.Range(1, rankY - 1).Where(i => i != axisY)).Select(i => (long)i).ToArray();
        var restX = permX.Skip(1).SkipLast(1).Select(i => a.shape[i]).ToArray();
        var restY = permY.Skip(2).Select(i => b.shape[i]).ToArray();
        var left = a.permute(permX).reshape(batch, -1, a.shape[axisX]);
        var right = b.permute(permY).reshape(batch, b.shape[axisY], -1);
        var product = torch.bmm(left, right);
        long[] outShape = [batch, .. restX, .. restY];
        var result = product.reshape(outShape);
        return Wrap(outShape.Length == 1 ? result.unsqueeze(1) : result);
    }

    /// <summary>Computes d(sum of <paramref name="target"/>)/d(variables) and stores it on each variable's gradient.</summary>
    public static void Backward(Tensor target) => target.Native.backward();

    /// <summary>
    /// The gradients of a scalar <paramref name="target"/> with respect to <paramref name="sources"/>
    /// (null where a source does not influence the target).
    /// </summary>
    public static IReadOnlyList<Tensor?> Gradients(Tensor target, IReadOnlyList<Tensor> sources)
    {
        var grads = torch.autograd.grad([target.Native], sources.Select(s => s.Native).ToArray(), allow_unused: true);
        return grads.Select(g => g is null || g.IsInvalid ? null : Wrap(g)).ToArray();
    }

    /// <summary>A tensor whose gradient is recorded, from a copy of <paramref name="x"/> (for gradient checks and custom training).</summary>
    public static Tensor RequiresGrad(Tensor x) => Wrap(x.Native.detach().clone().requires_grad_(true));

    /// <summary>Moves a tensor to the default device, unless it is there already.</summary>
    public static Tensor ToDefaultDevice(Tensor x) =>
        IsOnDefaultDevice(x.Native) ? x : Wrap(x.Native.to(_device));
}
