using System.Runtime.InteropServices;

namespace TfFunctional;

/// <summary>
/// The seam where libtorch's errors become .NET errors: TorchSharp raises them as <see cref="ExternalException"/> with
/// the C++ message, the source location and a stack of native frames. Callers get the reason alone, in a .NET exception
/// that names the layer and the shapes (the layer adds those).
/// </summary>
public static class NativeError
{
    /// <summary>True for an error raised by the native runtime.</summary>
    public static bool Is(Exception error) => error is ExternalException && error.GetType().Assembly != typeof(NativeError).Assembly;

    /// <summary>The reason of a native error without its source location and C++ frames ("cannot reshape tensor of 0 elements …").</summary>
    public static string Reason(Exception error)
    {
        string message = error.Message;
        int cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf("\nframe #", StringComparison.Ordinal);
        string reason = (cut >= 0 ? message[..cut] : message).Trim();
        // Allocation failures name libtorch's allocator; say what they mean.
        if (reason.Contains("DefaultCPUAllocator", StringComparison.Ordinal))
            return "not enough memory for the tensors this computation needs (" +
                   reason[(reason.IndexOf("DefaultCPUAllocator", StringComparison.Ordinal) + "DefaultCPUAllocator: ".Length)..].Split('\n')[0].Trim() + ")";
        return reason.Split('\n')[0].Trim();
    }
}
