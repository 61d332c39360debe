using System.Text.Json.Nodes;

namespace TfFunctional.Saving;

/// <summary>
/// A file format at the edge of the library: it recognises its files by their first bytes, reads and writes them, and
/// nothing else knows its layout. <see cref="ForReading"/>, <see cref="ForSaving"/> and <see cref="ForSavingWeights"/>
/// are the one dispatch point of <c>LoadModel</c>, <c>LoadWeights</c>, <c>Save</c> and <c>SaveWeights</c>.
/// </summary>
internal abstract class ModelFormat
{
    /// <summary>Every format, in the order files are matched against them (Keras 3 weights files before legacy HDF5).</summary>
    private static readonly ModelFormat[] All = [KerasArchive.Format, KerasWeightsFile.Format, LegacyH5File.Format, TfJsModel.Format];

    /// <summary>The name messages use: <c>.keras</c>, <c>.h5</c>, …</summary>
    public abstract string Name { get; }

    /// <summary>True when <paramref name="head"/>, the file's first bytes, say the file at <paramref name="path"/> is this format's.</summary>
    protected abstract bool Recognizes(ReadOnlySpan<byte> head, string path);

    /// <summary>True when a path to read names this format by its extension (for files whose bytes no format recognises, so that its reader names the fault).</summary>
    protected abstract bool IsNamedBy(string path);

    /// <summary>True when <c>Save</c> to <paramref name="path"/> writes this format.</summary>
    protected virtual bool SavesTo(string path) => false;

    /// <summary>True when <c>SaveWeights</c> to <paramref name="path"/> writes this format.</summary>
    protected virtual bool SavesWeightsTo(string path) => false;

    /// <summary>Architecture and weights, and the recorded training configuration when asked, from one read of the file.</summary>
    public virtual ModelFile ReadModel(string path, bool withTrainingConfig = false) => throw new KerasFormatException(
        $"{Path.GetFileName(path)} is a {Name} weights file and holds no architecture: build the model, then call LoadWeights.");

    /// <summary>
    /// Sets <paramref name="model"/>'s weights from the file, all or none; by default the file's own model is read and its
    /// weights copied by position (formats whose files always hold an architecture), then freed.
    /// </summary>
    public virtual void LoadWeights(Model model, string path, bool byName, bool skipMismatch)
    {
        var loaded = ReadModel(path).Model;
        try
        {
            model.SetWeights(loaded.GetWeights());
        }
        catch (ArgumentException e)
        {
            // SetWeights checks every shape before it assigns any: the model is untouched.
            throw new KerasFormatException($"{Path.GetFileName(path)}: the weights do not fit the model: {e.Message}", e);
        }
        finally
        {
            loaded.Dispose();   // the second model was only a carrier of the file's weights
        }
    }

    /// <summary>Writes architecture and weights, refusing first (the target untouched) what the format cannot express.</summary>
    public virtual void Save(Model model, string path) => throw new NotSupportedException($"{Name} files hold weights alone: use SaveWeights.");

    /// <summary>Writes the weights alone.</summary>
    public virtual void SaveWeights(Model model, string path) => throw new NotSupportedException($"{Name} files cannot hold weights alone.");

    /// <summary>The format of an existing file: by its bytes, or, when none recognises them, by its extension.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="KerasFormatException">Neither the bytes nor the name say which format the file is.</exception>
    public static ModelFormat ForReading(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"File not found: filepath={path}. Please ensure the file is an accessible `.keras` or `.h5` file.", path);
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var bytes = head[..read];
        foreach (var format in All)
            if (format.Recognizes(bytes, path))
                return format;
        return All.FirstOrDefault(f => f.IsNamedBy(path)) ?? throw new KerasFormatException(
            $"{Path.GetFileName(path)} is not a model file: it is neither a .keras archive, an HDF5 file nor a TF.js model.json.");
    }

    /// <summary>The format <c>Save</c> writes to <paramref name="path"/>, by its extension.</summary>
    /// <exception cref="ArgumentException">No format saves to that extension.</exception>
    public static ModelFormat ForSaving(string path) => All.FirstOrDefault(f => f.SavesTo(path)) ?? throw new ArgumentException(
        $"Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension (or `.json` for a TensorFlow.js layers model). Received: filepath={path}", nameof(path));

    /// <summary>The format <c>SaveWeights</c> writes to <paramref name="path"/>, by its extension.</summary>
    /// <exception cref="ArgumentException">No format saves weights to that extension.</exception>
    public static ModelFormat ForSavingWeights(string path) => All.FirstOrDefault(f => f.SavesWeightsTo(path)) ?? throw new ArgumentException(
        $"The filename must end in `.weights.h5` (or `.h5` for the legacy layout). Received: filepath={path}", nameof(path));

    /// <summary>True when <paramref name="path"/> ends with one of <paramref name="extensions"/> (any case).</summary>
    protected static bool EndsWith(string path, params string[] extensions) =>
        extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>HDF5's eight-byte signature.</summary>
    protected static bool IsHdf5(ReadOnlySpan<byte> head) => head.StartsWith(Hdf5Signature);

    private static ReadOnlySpan<byte> Hdf5Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
}
