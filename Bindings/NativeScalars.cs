using TorchSharp;

namespace TfFunctional;

/// <summary>
/// Scalars kept alive for the whole process. TorchSharp 0.107's one-argument <c>add</c> and <c>add_</c> (and the
/// <c>+</c> operator) convert their default alpha of 1 into a temporary <see cref="Scalar"/> and pass only its handle to
/// libtorch, so the garbage collector may finalize — free — that Scalar while the native call still reads it: measured
/// as an intermittent "Expected false to be true" from <c>add</c> (2 of 60 loads and predictions of a GRU model).
/// Every add in Bindings passes <see cref="One"/> instead (<c>sub</c> takes no alpha).
/// </summary>
internal static class NativeScalars
{
    /// <summary>The integer 1 (valid as alpha for integer and floating tensors alike).</summary>
    public static readonly Scalar One = 1;
}
