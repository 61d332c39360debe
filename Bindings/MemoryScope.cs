using TorchSharp;

namespace TfFunctional;

/// <summary>
/// Frees every native tensor created on this thread while it is open, except those passed to <see cref="Keep"/>.
/// Each training step and predict batch runs inside one, so native memory stays flat over long runs.
/// </summary>
public sealed class MemoryScope : IDisposable
{
    private readonly DisposeScope _scope;

    internal MemoryScope(DisposeScope scope) => _scope = scope;

    /// <summary>Moves <paramref name="tensor"/> out of this scope: it survives the scope and its caller owns it.</summary>
    public Tensor Keep(Tensor tensor)
    {
        _scope.MoveToOuter(tensor.Native);
        return tensor;
    }

    /// <summary>Frees the tensors this scope still holds.</summary>
    public void Dispose() => _scope.Dispose();
}
