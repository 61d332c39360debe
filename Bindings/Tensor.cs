using TfFunctional.Bindings.Native;
using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional;

/// <summary>
/// A real (eager) tensor held by the native runtime. The caller owns a returned tensor and disposes it.
/// Values are laid out row-major; images are channels_last as in Keras.
/// </summary>
public sealed class Tensor : IDisposable
{
    static Tensor() => NativeRuntime.EnsureLoaded();

    internal Tensor(TorchTensor native) => Native = native;

    internal TorchTensor Native { get; }

    /// <summary>
    /// Where the values of a contiguous CPU tensor live and how many bytes they take, for a native library to read or
    /// write in place (ONNX Runtime). Valid while the tensor lives.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not contiguous or not on the CPU.</exception>
    internal unsafe (IntPtr Address, long Bytes) HostMemory()
    {
        var span = Native.bytes;
        return ((IntPtr)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(span)), span.Length);
    }

    /// <summary>The shape (every dimension known).</summary>
    public Shape Shape => Shape.Of(Native.shape);

    /// <summary>The Keras dtype.</summary>
    public DType DType => Ops.ToDType(Native.dtype);

    /// <summary>Number of dimensions.</summary>
    public int Rank => (int)Native.dim();

    /// <summary>The device the values live on: <c>cpu</c>, <c>cuda:0</c>, …</summary>
    public string Device => Native.device.ToString();

    /// <summary>Copies a .NET array (<c>float[,]</c>, <c>int[]</c>, <c>double[,,,]</c>, …) into a new tensor of the same shape.</summary>
    /// <exception cref="ArgumentException">The element type has no dtype.</exception>
    public static Tensor From(Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        DTypes.FromElementType(values.GetType().GetElementType()!);   // clear error for unsupported element types
        // from_array aliases the pinned .NET array; clone so later writes to the array never reach the tensor.
        using var alias = torch.from_array(values);
        return new Tensor(alias.clone());
    }

    /// <summary>Copies a flat array into a 1-D tensor of its length, as <c>np.array([1, 2, 3])</c>: <c>Tensor.From(new[] { 1, 2, 3 })</c> has shape (3,).</summary>
    /// <exception cref="ArgumentException">The element type has no dtype.</exception>
    public static Tensor From<T>(T[] values) where T : unmanaged =>
        From(values, (values ?? throw new ArgumentNullException(nameof(values))).LongLength);

    /// <summary>
    /// Copies a flat array into a tensor of the given shape (row-major); an empty <paramref name="shape"/> makes a
    /// scalar of one value.
    /// </summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static Tensor From<T>(T[] values, params long[] shape) where T : unmanaged
    {
        long size = shape.Aggregate(1L, (p, d) => p * d);
        if (size != values.Length)
            throw new ArgumentException($"Cannot make a tensor of shape ({string.Join(", ", shape)}) from {values.Length} values.");
        DTypes.FromElementType(typeof(T));
        return new Tensor(Ops.FromFlat(values, shape));
    }

    /// <summary>The values, flattened in row-major order.</summary>
    /// <exception cref="InvalidOperationException">T does not match <see cref="DType"/>.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        DType wanted = DTypes.FromElementType(typeof(T));
        if (wanted != DType)
            throw new InvalidOperationException($"Cannot read a {DType.KerasName()} tensor as {typeof(T).Name}: convert it with Ops.Cast first.");
        using var cpu = Native.device_type == DeviceType.CPU ? Native.contiguous() : Native.cpu().contiguous();
        return cpu.data<T>().ToArray();
    }

    /// <summary>The values as a multi-dimensional .NET array of <typeparamref name="T"/> in the tensor's shape.</summary>
    public Array ToNDArray<T>() where T : unmanaged
    {
        T[] flat = ToArray<T>();
        int[] lengths = Native.shape.Select(d => (int)d).ToArray();
        if (lengths.Length == 0) return new[] { flat[0] };
        var result = Array.CreateInstance(typeof(T), lengths);
        Buffer.BlockCopy(flat, 0, result, 0, System.Runtime.InteropServices.Marshal.SizeOf<T>() * flat.Length);
        return result;
    }

    /// <summary>Releases the native memory now rather than at finalization.</summary>
    public void Dispose() => Native.Dispose();

    /// <summary>
    /// The values, flattened in row-major order, as an array of the natural element type: <c>float[]</c> for float32,
    /// <c>int[]</c> for int32, <c>bool[]</c> for bool, … (bfloat16 as <c>float[]</c>).
    /// </summary>
    public Array ToArray() => DType switch
    {
        DType.Float64 => ToArray<double>(),
        DType.Float16 => ToArray<Half>(),
        DType.Int32 => ToArray<int>(),
        DType.Int64 => ToArray<long>(),
        DType.Int16 => ToArray<short>(),
        DType.Int8 => ToArray<sbyte>(),
        DType.UInt8 => ToArray<byte>(),
        DType.Bool => ToArray<bool>(),
        DType.BFloat16 => BFloat16AsFloats(),
        _ => ToArray<float>(),
    };

    private float[] BFloat16AsFloats()
    {
        using var widened = Native.to_type(torch.ScalarType.Float32);
        return new Tensor(widened).ToArray<float>();
    }

    /// <summary>
    /// The values with shape and dtype, as TensorFlow prints an eager tensor: <c>Tensor([[1. 2.] [3. 4.]], shape=(2, 2), dtype=float32)</c>;
    /// beyond 1,000 values each axis shows its first and last three entries, as NumPy.
    /// </summary>
    public override string ToString()
    {
        using var _ = torch.NewDisposeScope();
        string values = TensorFormat.Values(ToArray(), Native.shape);
        return $"Tensor({values}, shape={ShapeText}, dtype={DType.KerasName()})";
    }

    /// <summary>The shape as Python writes a tuple: <c>(2, 3)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    private string ShapeText => Native.shape.Length == 1 ? $"({Native.shape[0]},)" : $"({string.Join(", ", Native.shape)})";
}
