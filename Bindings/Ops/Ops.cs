using TfFunctional.Bindings.Native;
using TorchSharp;
using static TorchSharp.torch;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional;

/// <summary>
/// Tensor operations with Keras semantics (Keras's <c>keras.ops</c>), computed by the native runtime.
/// Every result is a new tensor; inside a <see cref="MemoryScope"/> temporaries are freed with the scope.
/// </summary>
public static partial class Ops
{
    private static torch.Device _device = torch.CPU;

    static Ops() => NativeRuntime.EnsureLoaded();

    /// <summary>The device new weights and inputs are placed on: <c>cpu</c> (default), <c>cuda</c>, <c>cuda:1</c>.</summary>
    public static string DefaultDevice => _device.ToString();

    /// <summary>Selects the device for weights created from now on and for inputs given as .NET arrays.</summary>
    /// <exception cref="ArgumentException">The device name is not <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for and the CUDA runtime is absent.</exception>
    public static void SetDefaultDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        string name = device.Trim().ToLowerInvariant();
        if (name == "cpu")
        {
            _device = torch.CPU;
            return;
        }
        if (name != "cuda" && !(name.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(name[5..], out _)))
            throw new ArgumentException($"Unknown device '{device}'. Expected \"cpu\", \"cuda\" or \"cuda:N\".", nameof(device));
        if (!torch.cuda.is_available())
            throw new InvalidOperationException(
                $"Device '{device}' was requested, but the CUDA runtime is not available: this application references the CPU build of libtorch " +
                "(libtorch-cpu-linux-x64). Reference TorchSharp's CUDA runtime package (e.g. libtorch-cuda-12.8-linux-x64) instead and run on a machine " +
                "with an NVIDIA driver. See NativeRuntime.md.");
        _device = torch.device(name);
    }

    internal static torch.Device Device => _device;

    /// <summary>
    /// Threads one kernel may use (TensorFlow's intra-op parallelism), for the whole process: threads that call in
    /// later pick it up too. Servers that run several Predict calls at once do best with 1: OpenMP teams started from
    /// many calling threads oversubscribe the cores, and every small kernel then pays a thread wake-up.
    /// </summary>
    public static int IntraOpThreads
    {
        get => torch.get_num_threads();
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), $"IntraOpThreads must be positive. Received: {value}");
            torch.set_num_threads(value);
        }
    }

    /// <summary>Compares type and index: torch.Device has no value equality, and a needless <c>to()</c> copies.</summary>
    private static bool IsOnDefaultDevice(torch.Tensor t) =>
        t.device_type == _device.type && (_device.type == DeviceType.CPU || t.device_index == Math.Max(_device.index, 0));

    /// <summary>Opens a memory scope: native tensors created on this thread until it is disposed are freed with it.</summary>
    public static MemoryScope NewScope() => new(torch.NewDisposeScope());

    /// <summary>Turns gradient recording off on this thread until the returned object is disposed.</summary>
    public static IDisposable NoGrad() => torch.no_grad();

    /// <summary>Turns gradient recording on on this thread until the returned object is disposed.</summary>
    public static IDisposable EnableGrad() => torch.enable_grad();

    internal static Tensor Wrap(TorchTensor native) => new(native);

    internal static TorchTensor FromFlat<T>(T[] values, long[] shape) where T : unmanaged => values switch
    {
        float[] f => torch.tensor(f, shape),
        double[] d => torch.tensor(d, shape),
        int[] i => torch.tensor(i, shape),
        long[] l => torch.tensor(l, shape),
        short[] s => torch.tensor(s, shape),
        byte[] b => torch.tensor(b, shape),
        sbyte[] sb => torch.tensor(sb, shape),
        bool[] bo => torch.tensor(bo, shape),
        _ => throw new ArgumentException($"Arrays of {typeof(T).Name} cannot be converted to a tensor."),
    };

    internal static ScalarType ToScalarType(DType dtype) => dtype switch
    {
        DType.Float32 => ScalarType.Float32,
        DType.Float64 => ScalarType.Float64,
        DType.Float16 => ScalarType.Float16,
        DType.BFloat16 => ScalarType.BFloat16,
        DType.Int32 => ScalarType.Int32,
        DType.Int64 => ScalarType.Int64,
        DType.Int16 => ScalarType.Int16,
        DType.Int8 => ScalarType.Int8,
        DType.UInt8 => ScalarType.Byte,
        DType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    internal static DType ToDType(ScalarType type) => type switch
    {
        ScalarType.Float32 => DType.Float32,
        ScalarType.Float64 => DType.Float64,
        ScalarType.Float16 => DType.Float16,
        ScalarType.BFloat16 => DType.BFloat16,
        ScalarType.Int32 => DType.Int32,
        ScalarType.Int64 => DType.Int64,
        ScalarType.Int16 => DType.Int16,
        ScalarType.Int8 => DType.Int8,
        ScalarType.Byte => DType.UInt8,
        ScalarType.Bool => DType.Bool,
        _ => throw new NotSupportedException($"The runtime dtype {type} has no Keras equivalent."),
    };

    private static long[] Dims(Shape shape) => shape.Select(d => (long)(d ?? throw new ArgumentException(
        $"Cannot create a tensor of shape {shape}: every dimension must be known."))).ToArray();

    private static long[] Dims(IReadOnlyList<int> shape) => shape.Select(d => (long)d).ToArray();
}
