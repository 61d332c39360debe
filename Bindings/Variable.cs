using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace TfFunctional;

/// <summary>
/// A weight of a layer: a native tensor that lives outside every memory scope until the layer is disposed.
/// <see cref="Name"/> is Keras's short name (<c>kernel</c>), <see cref="Path"/> Keras 3's <c>variable.path</c>
/// (<c>dense/kernel</c>).
/// </summary>
public sealed class Variable : IDisposable
{
    private readonly Tensor _value;
    private bool _trainable;

    /// <summary>Creates a variable holding <paramref name="initialValue"/> (taken over, not copied), stored as given.</summary>
    public Variable(string name, string path, Tensor initialValue, bool trainable = true)
        : this(name, path, initialValue.Native.detach(), trainable, null) { }

    /// <summary>
    /// Creates a variable over a native tensor kept as is (a fused kernel's parameter), stored in the runtime's layout:
    /// axis i of the stored tensor is axis <c>storageAxes[i]</c> of the Keras layout.
    /// </summary>
    internal Variable(string name, string path, TorchTensor native, bool trainable, int[]? storageAxes)
    {
        Name = name;
        Path = path;
        // Weights must outlive the scope they were created in (a layer is often built inside a predict or step scope).
        native.DetachFromDisposeScope();
        _value = new Tensor(native);
        StorageAxes = storageAxes;
        Trainable = trainable;
    }

    /// <summary>
    /// Creates a variable whose value the runtime keeps in another layout (a transposed or permuted Keras layout),
    /// from <paramref name="kerasValue"/> in Keras layout.
    /// </summary>
    public static Variable InRuntimeLayout(string name, string path, Tensor kerasValue, int[] storageAxes, bool trainable = true) =>
        new(name, path, kerasValue.Native.detach().permute(storageAxes.Select(a => (long)a).ToArray()).contiguous(), trainable, storageAxes);

    /// <summary>For a variable kept in the runtime's layout: which Keras axis each stored axis is; null when they agree.</summary>
    internal int[]? StorageAxes { get; }

    /// <summary>The value in Keras layout (a view when the layouts differ). Owned by the variable.</summary>
    public Tensor KerasValue => StorageAxes is null ? _value : new Tensor(_value.Native.permute(Inverse(StorageAxes)));

    private static long[] Inverse(int[] axes)
    {
        var inverse = new long[axes.Length];
        for (int i = 0; i < axes.Length; i++) inverse[axes[i]] = i;
        return inverse;
    }

    /// <summary>Keras's short name, e.g. <c>kernel</c>.</summary>
    public string Name { get; }

    /// <summary>Keras 3's path, e.g. <c>dense/kernel</c>.</summary>
    public string Path { get; internal set; }

    /// <summary>The shape in Keras layout (Dense kernel (in, out), LSTM kernel (in, 4·units)).</summary>
    public Shape Shape => StorageAxes is null ? _value.Shape : new Shape(StorageAxes.Select((_, i) => _value.Shape[Array.IndexOf(StorageAxes, i)]).ToArray());

    /// <summary>The dtype.</summary>
    public DType DType => _value.DType;

    /// <summary>Whether optimizers update this variable (and gradients are recorded for it).</summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            if (_value.DType.IsFloating())
                _value.Native.requires_grad_(value);
        }
    }

    /// <summary>The current value in the runtime's layout (see <see cref="KerasValue"/>). Owned by the variable: do not dispose it.</summary>
    public Tensor Value => _value;

    /// <summary>The gradient left by the last backward pass, or null.</summary>
    /// <remarks>A new handle on each call, freed by the enclosing memory scope or by disposing it.</remarks>
    public Tensor? Gradient => _value.Native.grad is { } g ? new Tensor(g) : null;

    /// <summary>A variable reads as its current value.</summary>
    public static implicit operator Tensor(Variable variable) => variable._value;

    /// <summary>Copies <paramref name="value"/> (Keras layout) into the variable without recording a gradient.</summary>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public void Assign(Tensor value)
    {
        if (value.Shape != Shape)
            throw new ArgumentException($"Cannot assign a value of shape {value.Shape} to variable '{Path}' of shape {Shape}.");
        using var noGrad = torch.no_grad();
        var stored = StorageAxes is null ? value.Native : value.Native.permute(StorageAxes.Select(a => (long)a).ToArray());
        _value.Native.copy_(stored);
    }

    /// <summary>Copies a .NET array (in the variable's Keras shape) into the variable.</summary>
    public void Assign(Array value)
    {
        using var scope = torch.NewDisposeScope();
        var tensor = Ops.FromArray(value, DType);
        // .NET has no 0-d arrays: a scalar variable takes its value as a one-element array.
        Assign(Shape.Rank == 0 && tensor.Shape == new Shape(1) ? Ops.Reshape(tensor, []) : tensor);
    }

    /// <summary>Copies values given flat, in row-major Keras layout, into the variable (one copy, no intermediate array).</summary>
    /// <exception cref="ArgumentException">The number of values differs from the variable's size.</exception>
    public void Assign(float[] flatKerasValues)
    {
        long size = Shape.Size ?? 0;
        if (flatKerasValues.Length != size)
            throw new ArgumentException($"Cannot assign {flatKerasValues.Length} values to variable '{Path}' of shape {Shape}.");
        using var scope = torch.NewDisposeScope();
        // from_array aliases the (pinned) .NET array: the values reach the variable in one native copy, without a
        // second buffer of the weight's size on the way (a 1 GiB kernel costs 1 GiB more, not 2).
        var alias = torch.from_array(flatKerasValues).reshape(Shape.Select(d => (long)d!.Value).ToArray());
        Assign(new Tensor(alias.dtype == Native.dtype ? alias : alias.to_type(Native.dtype)));
    }

    /// <summary>
    /// Sets the variable from <paramref name="readRows"/>, which writes rows <c>first</c> to <c>first + count</c> of
    /// axis 0 of the Keras shape, flat and row-major, into the buffer it is given: the variable's own memory when it is a
    /// contiguous float32 CPU tensor kept in Keras layout, else bands of rows through a small buffer copied into place.
    /// A file's weights thus reach the variable with no copy of the weight's size on the way.
    /// </summary>
    internal unsafe void Fill(Action<Memory<float>, int, int> readRows)
    {
        long size = Shape.Size ?? 0;
        int rows = Shape.Rank == 0 ? 1 : Shape[0]!.Value;
        if (size == 0) return;
        var native = _value.Native;
        using var noGrad = torch.no_grad();
        // TorchSharp's byte view is int-sized: weights past 2 GiB take the banded path below.
        if (StorageAxes is null && native.dtype == torch.ScalarType.Float32 && native.device_type == DeviceType.CPU && native.is_contiguous()
            && size * sizeof(float) <= int.MaxValue)
        {
            fixed (byte* start = native.bytes)
            {
                // The pointer stays valid after the block: it is the variable's own native storage, which never moves.
                using var whole = new NativeBuffer((float*)start, (int)size);
                readRows(whole.Memory, 0, rows);
            }
            return;
        }
        long rowSize = size / rows;
        int band = (int)Math.Clamp((1L << 20) / rowSize, 1, rows);   // about 4 MB at a time
        var buffer = new float[band * rowSize];
        using var kerasView = StorageAxes is null ? native.alias() : native.permute(Inverse(StorageAxes));
        long[] bandShape = Shape.Rank == 0 ? [] : [band, .. Shape.Slice(1..).Select(d => (long)d!.Value)];
        for (int first = 0; first < rows; first += band)
        {
            int count = Math.Min(band, rows - first);
            readRows(buffer.AsMemory(0, (int)(count * rowSize)), first, count);
            using var scope = torch.NewDisposeScope();
            var values = torch.from_array(buffer);
            if (Shape.Rank == 0)
            {
                kerasView.copy_(values.reshape([]));
                continue;
            }
            bandShape[0] = count;
            kerasView.narrow(0, first, count).copy_(values.narrow(0, 0, count * rowSize).reshape(bandShape));
        }
    }

    /// <summary>A <see cref="Memory{T}"/> over native memory that stays put while the owner (a variable) lives.</summary>
    private sealed unsafe class NativeBuffer(float* pointer, int length) : System.Buffers.MemoryManager<float>, IDisposable
    {
        public override Span<float> GetSpan() => new(pointer, length);
        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }

    /// <summary>Zeroes the stored gradient in place, keeping its buffer for the next step.</summary>
    public void ZeroGradient()
    {
        using var gradient = _value.Native.grad;
        gradient?.zero_();
    }

    /// <summary>Frees the stored gradient: the next backward pass hands over its fresh buffer instead of adding into one.</summary>
    public void ReleaseGradient()
    {
        using var gradient = _value.Native.grad;
        if (gradient is not null) _value.Native.grad = null;
    }

    internal TorchTensor Native => _value.Native;

    /// <summary>Bytes of the stored value (and of its gradient).</summary>
    internal long ByteSize => _value.Native.numel() * _value.Native.element_size();

    /// <summary>Frees the native memory.</summary>
    public void Dispose() => _value.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"<Variable path={Path}, shape={Shape}, dtype={DType.KerasName()}>";
}
