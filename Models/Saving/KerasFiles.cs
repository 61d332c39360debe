using PureHDF;
using PureHDF.VOL.Native;

namespace TfFunctional.Saving;

/// <summary>Opening model files: every failure becomes a <see cref="KerasFormatException"/> naming the file.</summary>
internal static class KerasFiles
{
    public static NativeFile OpenHdf5(string path)
    {
        try
        {
            return H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new KerasFormatException($"{Path.GetFileName(path)} is not a readable HDF5 file: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning low-level read errors into <see cref="KerasFormatException"/>.</summary>
    public static T Guard<T>(string fileName, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (KerasFormatException e) when (!e.Message.StartsWith(fileName, StringComparison.Ordinal))
        {
            // Config readers name the layer and the entry; the file is named here, once for all of them.
            throw new KerasFormatException($"{fileName}: {e.Message}", e.InnerException);
        }
        catch (Exception e) when (e is not KerasFormatException)
        {
            // A corrupt size field makes readers ask for impossible arrays (OutOfMemoryException): the file is at fault.
            throw new KerasFormatException($"{fileName} cannot be read: {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning low-level read errors into <see cref="KerasFormatException"/>.</summary>
    public static void Guard(string fileName, Action read) => Guard(fileName, () => { read(); return 0; });
}
