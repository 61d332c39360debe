using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace TfFunctional.Bindings.Native;

/// <summary>
/// Loads libtorch and TorchSharp's native shim before anything touches <c>torch</c>. On a libstdc++ older than
/// GCC 13 (Debian 12), TorchSharp 0.107's <c>libLibTorchSharp.so</c> refuses to load because it names
/// <c>GLIBCXX_3.4.32</c>; we load a copy with that requirement weakened instead (see NativeRuntime.md).
/// </summary>
public static class NativeRuntime
{
    private const string ShimFileName = "libLibTorchSharp.so";
    private static readonly string[] LibTorchFileNames = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    private static readonly object Gate = new();
    private static bool _loaded;
    private static IntPtr _shimHandle;

    /// <summary>How the native shim was obtained, for diagnostics and tests.</summary>
    public static string LoadReport { get; private set; } = "not loaded yet";

    /// <summary>Milliseconds the loading took (mostly libtorch itself, which the first torch call pays anyway).</summary>
    public static double LoadMilliseconds { get; private set; }

    // Runs before any type of this assembly is used, so TorchSharp never loads the unpatched library first.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeModule()
    {
        // A module initializer must not throw: a failure here resurfaces, with its message, from EnsureLoaded.
        try { EnsureLoaded(); }
        catch (Exception) { }
    }

    /// <summary>Makes sure the native runtime is loadable; idempotent and thread-safe.</summary>
    /// <exception cref="InvalidOperationException">The native libraries cannot be found or loaded.</exception>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            var clock = Stopwatch.StartNew();
            if (OperatingSystem.IsLinux())
                LoadPatchedShimIfNeeded();
            else
                LoadReport = "not Linux: TorchSharp loads its own native libraries";
            LoadMilliseconds = clock.Elapsed.TotalMilliseconds;
            _loaded = true;
        }
    }

    private static void LoadPatchedShimIfNeeded()
    {
        string? folder = FindNativeFolder();
        if (folder is null)
        {
            LoadReport = $"{ShimFileName} not found beside the application; TorchSharp searches for it itself";
            return;
        }
        string shim = Path.Combine(folder, ShimFileName);
        byte[] image = File.ReadAllBytes(shim);
        ElfPatchOutcome outcome = ElfVersionPatcher.Patch(image);
        if (outcome != ElfPatchOutcome.Patched)
        {
            LoadReport = $"{shim}: {outcome}, loaded as shipped";
            return;
        }

        // The shipped copy needs the fix: write a patched copy to a per-user cache (never into the app's folder or
        // the NuGet cache), load libtorch by absolute path (the shim's RUNPATH is $ORIGIN, which is the cache
        // folder now), then the patched shim. TorchSharp's later load by bare name finds it by its SONAME.
        string patched = WritePatchedCopy(image);
        foreach (string name in LibTorchFileNames)
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
                NativeLibrary.Load(path);
        }
        try
        {
            _shimHandle = NativeLibrary.Load(patched);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException(
                $"Could not load the patched TorchSharp native library '{patched}' (from '{shim}'): {e.Message}. See NativeRuntime.md.", e);
        }
        NativeLibrary.SetDllImportResolver(typeof(TorchSharp.torch).Assembly, ResolveShim);
        LoadReport = $"{shim}: patched copy loaded from {patched}";
    }

    private static IntPtr ResolveShim(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName is "LibTorchSharp" or "libLibTorchSharp" or ShimFileName ? _shimHandle : IntPtr.Zero;

    private static string? FindNativeFolder()
    {
        var candidates = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
            candidates.AddRange(searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        string baseDirectory = AppContext.BaseDirectory;
        candidates.Add(baseDirectory);
        candidates.Add(Path.Combine(baseDirectory, "runtimes", "linux-x64", "native"));
        string? torchSharpFolder = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharpFolder))
        {
            candidates.Add(torchSharpFolder);
            candidates.Add(Path.Combine(torchSharpFolder, "runtimes", "linux-x64", "native"));
        }
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, ShimFileName))
                                              && File.Exists(Path.Combine(d, "libtorch_cpu.so")))
               ?? candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, ShimFileName)));
    }

    private static string WritePatchedCopy(byte[] patchedImage)
    {
        string hash = Convert.ToHexString(SHA256.HashData(patchedImage))[..16].ToLowerInvariant();
        string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        if (string.IsNullOrEmpty(root) || root == ".cache")
            root = Path.GetTempPath();
        string folder = Path.Combine(root, "tffunctional", "native", hash);
        string path = Path.Combine(folder, ShimFileName);
        if (File.Exists(path) && new FileInfo(path).Length == patchedImage.Length)
            return path;
        Directory.CreateDirectory(folder);
        ElfVersionPatcher.WriteAtomically(path, patchedImage);
        return path;
    }
}
