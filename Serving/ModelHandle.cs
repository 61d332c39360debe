namespace TfFunctional.Serving;

/// <summary>
/// One loaded version of a model with a count of the requests using it: a version replaced by a hot reload is
/// disposed only when its last request has finished, so a swap never frees weights under a running Predict.
/// </summary>
internal sealed class ModelHandle(Model model, int version, DateTimeOffset loadedAt)
{
    private int _leases;
    private int _retired;

    public Model Model { get; } = model;
    public int Version { get; } = version;
    public DateTimeOffset LoadedAt { get; } = loadedAt;
    /// <summary>The model's working memory per row (<see cref="Model.ActivationBytesPerSample"/>), weighed once per version.</summary>
    public long ActivationBytesPerSample { get; } = Math.Max(1, model.ActivationBytesPerSample());

    /// <summary>Takes a lease; false when the handle was retired meanwhile (the caller takes the new current one).</summary>
    public bool TryAcquire()
    {
        Interlocked.Increment(ref _leases);
        if (Volatile.Read(ref _retired) == 1)
        {
            Release();
            return false;
        }
        return true;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && Volatile.Read(ref _retired) == 1) DisposeOnce();
    }

    /// <summary>Marks the handle replaced; it is disposed once no request holds it.</summary>
    public void Retire()
    {
        Volatile.Write(ref _retired, 1);
        if (Volatile.Read(ref _leases) == 0) DisposeOnce();
    }

    private int _disposed;

    // Retire sets the flag before it looks at the count and TryAcquire counts before it looks at the flag, so either
    // the acquirer backs off or Retire sees its lease: a retired model is never used after it is freed.
    private void DisposeOnce()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Model.Dispose();
    }
}
