using TorchSharp;
using static TorchSharp.torch;
using static TfFunctional.NativeScalars;

namespace TfFunctional;

public static partial class Ops
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(IReadOnlyList<int> shape, DType dtype = DType.Float32) =>
        Wrap(torch.zeros(Dims(shape), ToScalarType(dtype), _device));

    /// <summary>
    /// A tensor of zeros in host memory, whatever the default device, outside every memory scope (a buffer other engines
    /// read and write for as long as its owner lives); the caller disposes it.
    /// </summary>
    internal static Tensor HostZeros(IReadOnlyList<int> shape, DType dtype) => Unscoped(torch.zeros(Dims(shape), ToScalarType(dtype), torch.CPU));

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(IReadOnlyList<int> shape, DType dtype = DType.Float32) =>
        Wrap(torch.ones(Dims(shape), ToScalarType(dtype), _device));

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(IReadOnlyList<int> shape, double value, DType dtype = DType.Float32)
    {
        using Scalar fill = value;
        return Wrap(torch.full(Dims(shape), fill, ToScalarType(dtype), _device));
    }

    /// <summary>A rows × columns matrix with ones on the diagonal, times <paramref name="gain"/>.</summary>
    public static Tensor Eye(int rows, int columns, double gain = 1.0, DType dtype = DType.Float32)
    {
        using Scalar factor = gain;
        return Wrap(torch.eye(rows, columns, ToScalarType(dtype), _device).mul_(factor));
    }

    /// <summary>Uniform values in [min, max); reproducible when <paramref name="seed"/> is given.</summary>
    public static Tensor RandomUniform(IReadOnlyList<int> shape, double min, double max, int? seed = null, DType dtype = DType.Float32)
    {
        using var generator = Generator(seed);
        var values = torch.rand(Dims(shape), ToScalarType(dtype), torch.CPU, generator: generator);
        using Scalar width = max - min, low = min;
        return Wrap(OnDevice(values.mul_(width).add_(low, One)));
    }

    /// <summary>Normal values; reproducible when <paramref name="seed"/> is given.</summary>
    public static Tensor RandomNormal(IReadOnlyList<int> shape, double mean, double stddev, int? seed = null, DType dtype = DType.Float32)
    {
        using var generator = Generator(seed);
        var values = torch.randn(Dims(shape), ToScalarType(dtype), torch.CPU, generator: generator);
        using Scalar scale = stddev, shift = mean;
        return Wrap(OnDevice(values.mul_(scale).add_(shift, One)));
    }

    /// <summary>Normal values redrawn until they lie within two standard deviations of the mean, as Keras's truncated_normal.</summary>
    public static Tensor TruncatedNormal(IReadOnlyList<int> shape, double mean, double stddev, int? seed = null, DType dtype = DType.Float32)
    {
        using var generator = Generator(seed);
        using var scope = torch.NewDisposeScope();
        using Scalar two = 2.0, scale = stddev, shift = mean;
        var values = torch.randn(Dims(shape), ScalarType.Float64, torch.CPU, generator: generator);
        while (true)
        {
            var outside = values.abs().gt(two);
            long count = outside.sum().item<long>();
            if (count == 0) break;
            var redrawn = torch.randn([count], ScalarType.Float64, torch.CPU, generator: generator);
            values = values.masked_scatter(outside, redrawn);
        }
        var result = OnDevice(values.mul_(scale).add_(shift, One).to_type(ToScalarType(dtype)));
        return Wrap(result.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// An orthogonal matrix (or a reshaped one, for rank &gt; 2) times <paramref name="gain"/>, from the QR decomposition
    /// of a normal matrix, as Keras's Orthogonal initializer.
    /// </summary>
    public static Tensor Orthogonal(IReadOnlyList<int> shape, double gain = 1.0, int? seed = null, DType dtype = DType.Float32)
    {
        if (shape.Count < 2)
            throw new ArgumentException($"The tensor to initialize must be at least two-dimensional. Received: shape=({string.Join(", ", shape)})");
        long columns = shape[^1];
        long rows = Dims(shape).Aggregate(1L, (p, d) => p * d) / columns;
        using var generator = Generator(seed);
        using var scope = torch.NewDisposeScope();
        var flat = torch.randn([Math.Max(rows, columns), Math.Min(rows, columns)], ScalarType.Float64, torch.CPU, generator: generator);
        var (q, r) = torch.linalg.qr(flat);
        q = q * r.diagonal().sign();   // make the decomposition unique, as Keras does
        if (rows < columns) q = q.t();
        using Scalar factor = gain;
        var result = OnDevice(q.mul(factor).reshape(Dims(shape)).to_type(ToScalarType(dtype)).contiguous());
        return Wrap(result.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Seeds every random draw that takes no seed of its own (initializers, dropout, shuffling) on the CPU and every
    /// CUDA device, as Keras's <c>keras.utils.set_random_seed</c>: the same seed gives the same run.
    /// </summary>
    public static void SetRandomSeed(int seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    /// <summary>A random permutation of 0 … n − 1 (int64), from the global generator.</summary>
    public static Tensor RandomPermutation(long n) => Wrap(torch.randperm(n, ScalarType.Int64, _device));

    /// <summary>0 … n − 1 (int64).</summary>
    public static Tensor Range(long n)
    {
        using Scalar stop = n;
        return Wrap(torch.arange(stop, ScalarType.Int64, _device));
    }

    /// <summary>A copy of <paramref name="values"/> (a .NET array of any rank) with <paramref name="dtype"/>, on the default device.</summary>
    public static Tensor FromArray(Array values, DType dtype)
    {
        var scalarType = ToScalarType(dtype);
        // An empty array (a batch of no samples) has no element to pin: make the empty tensor of its shape.
        if (values.Length == 0)
            return Wrap(torch.empty(Enumerable.Range(0, values.Rank).Select(d => (long)values.GetLength(d)).ToArray(), scalarType, _device));
        // from_array aliases the pinned .NET array: copy (or convert, which copies) so the tensor owns its values.
        using var alias = torch.from_array(values);
        var owned = alias.dtype == scalarType ? alias.clone() : CheckedConversion(alias, scalarType);
        return Wrap(OnDevice(owned));
    }

    /// <summary>
    /// Converts to <paramref name="target"/>, refusing integers the target cannot hold: libtorch would wrap them around
    /// (2^32 + 3 becomes 3) and return another id's rows without a word.
    /// </summary>
    /// <exception cref="ArgumentException">A value outside the target integer type's range.</exception>
    internal static torch.Tensor CheckedConversion(torch.Tensor x, ScalarType target)
    {
        if (IntegerLimits(target) is var (low, high) && x.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16
            && IntegerRange(x) is var (smallest, largest) && (smallest < low || largest > high))
            throw new ArgumentException(
                $"The integers range over [{smallest}, {largest}], which {target.ToString().ToLowerInvariant()} cannot hold ([{low}, {high}]); " +
                "they would wrap around. Pass values that fit, or an input of a wider dtype.");
        return x.to_type(target);
    }

    private static (long Low, long High)? IntegerLimits(ScalarType type) => type switch
    {
        ScalarType.Int32 => (int.MinValue, int.MaxValue),
        ScalarType.Int16 => (short.MinValue, short.MaxValue),
        ScalarType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        ScalarType.Byte => (byte.MinValue, byte.MaxValue),
        _ => null,
    };

    private static torch.Generator? Generator(int? seed) => seed is int s ? new torch.Generator((ulong)s) : null;

    private static torch.Tensor OnDevice(torch.Tensor t) => IsOnDefaultDevice(t) ? t : t.to(_device);
}
