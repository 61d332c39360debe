namespace TfFunctional;

/// <summary>
/// A contiguous host tensor's memory, looked up once: for buffers written and read again and again (a bound
/// predictor), where asking libtorch for the address, size and layout on every access would cost more than the copy.
/// Valid while the tensor lives and is not resized.
/// </summary>
internal readonly struct HostBuffer
{
    private readonly IntPtr _address;

    public HostBuffer(Tensor tensor)
    {
        DType = tensor.DType;
        var (address, bytes) = tensor.HostMemory();
        _address = address;
        Length = checked((int)(bytes / DType.ByteSize()));
    }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements in place (the caller has checked that <typeparamref name="T"/> is <see cref="DType"/>'s element type).</summary>
    public unsafe Span<T> As<T>() where T : unmanaged => new((void*)_address, Length);

    /// <summary>The memory in place, as bytes.</summary>
    public unsafe ReadOnlySpan<byte> Bytes => new((void*)_address, Length * DType.ByteSize());
}
