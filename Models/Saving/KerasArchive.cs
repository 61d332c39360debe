using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using TfFunctional.Layers;

namespace TfFunctional.Saving;

/// <summary>Keras 3's <c>.keras</c> file: a zip of <c>metadata.json</c>, <c>config.json</c> and <c>model.weights.h5</c>.</summary>
internal static class KerasArchive
{
    /// <summary>The format's adapter: zip archives, <c>.keras</c> names.</summary>
    public static readonly ModelFormat Format = new Adapter();

    private sealed class Adapter : ModelFormat
    {
        public override string Name => ".keras";

        // A zip starts with a local file header (PK\x03\x04), or, when empty, with its end record (PK\x05\x06).
        protected override bool Recognizes(ReadOnlySpan<byte> head, string path) =>
            head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8);

        protected override bool IsNamedBy(string path) => EndsWith(path, ".keras");

        protected override bool SavesTo(string path) => EndsWith(path, ".keras");

        public override ModelFile ReadModel(string path, bool withTrainingConfig = false)
        {
            using var stream = File.OpenRead(path);
            return KerasFiles.Guard(Path.GetFileName(path), () => Read(stream, Path.GetFileName(path)));
        }

        public override void Save(Model model, string path)
        {
            ModelConfig.EnsureExpressible(model, ConfigFormat.Keras3, ".keras");
            AtomicFile.Write(path, stream => Write(model, stream));
        }
    }

    public static void Write(Model model, Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteText(zip, "metadata.json", new JsonObject
        {
            ["keras_version"] = LegacyH5File.WrittenKerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        }.ToJsonString());
        var config = ModelConfig.Serialize(model, ConfigFormat.Keras3);
        if (CompileConfig.Serialize(model, ConfigFormat.Keras3) is { } compileConfig) config["compile_config"] = compileConfig;
        WriteText(zip, "config.json", config.ToJsonString());
        var weights = zip.CreateEntry("model.weights.h5", CompressionLevel.NoCompression);
        using var buffer = new MemoryStream();
        KerasWeightsFile.Write(model, buffer);
        using var entry = weights.Open();
        buffer.Position = 0;
        buffer.CopyTo(entry);
    }

    public static ModelFile Read(Stream stream, string fileName)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new KerasFormatException($"{fileName} is not a .keras file: it is not a zip archive ({e.Message}).", e);
        }
        using (zip)
        {
            // Python's zipfile reads the last of two same-named members, .NET the first: a file that has two is refused.
            var duplicate = zip.Entries.GroupBy(e => e.FullName).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new KerasFormatException($"{fileName}: the archive holds {duplicate.Count()} members named '{duplicate.Key}'; a .keras file has one of each.");
            var configEntry = zip.GetEntry("config.json")
                ?? throw new KerasFormatException($"{fileName}: the archive has no config.json (entries: {string.Join(", ", zip.Entries.Select(e => e.FullName))}).");
            var config = ParseJson(configEntry, fileName) as JsonObject
                ?? throw new KerasFormatException($"{fileName}: config.json is not a JSON object.");
            string version = zip.GetEntry("metadata.json") is { } metadata
                ? (ParseJson(metadata, fileName) as JsonObject)?["keras_version"]?.GetValue<string>() ?? "3"
                : "3";
            string? compileConfig = config["compile_config"] is { } recorded ? recorded.ToJsonString() : null;
            var weightsEntry = zip.GetEntry("model.weights.h5");
            if (weightsEntry is null)
            {
                var bare = ModelLoader.Load(config, new LoadOptions(version));
                if (bare.Weights.Count > 0)
                {
                    bare.Dispose();
                    throw new KerasFormatException($"{fileName}: the archive has no model.weights.h5.");
                }
                return new ModelFile(bare, compileConfig);
            }
            using var weights = WeightsStream(weightsEntry, fileName);
            using var weightsFile = PureHDF.H5File.Open(weights, leaveOpen: true);
            // The file's weights replace every initial value (a missing one is an error), so none is drawn at random.
            var model = Layer.WithoutInitializers(() => ModelLoader.Load(config, new LoadOptions(version)), H5Values.CountElements(weightsFile));
            try
            {
                KerasWeightsFile.Read(model, weightsFile, $"{fileName}/model.weights.h5", modelIsNew: true);
            }
            catch (Exception e)
            {
                model.Dispose();   // a model the file half-filled is nobody's
                if (e is KerasFormatException) throw;
                throw new KerasFormatException($"{fileName}: model.weights.h5 cannot be read: {e.Message}", e);
            }
            return new ModelFile(model, compileConfig);
        }
    }

    /// <summary>The largest config.json or metadata.json read (Keras writes kilobytes; a zip bomb would claim gigabytes).</summary>
    private const long MaxJsonEntryBytes = 256L << 20;

    /// <summary>The largest model.weights.h5 held in memory while loading.</summary>
    private const long MaxWeightsEntryBytes = int.MaxValue;

    /// <summary>Above this, model.weights.h5 goes to a temporary file rather than memory (HDF5 needs to seek; a zip entry cannot).</summary>
    internal static long InMemoryWeightsBytes { get; set; } = 64L << 20;

    /// <summary>
    /// model.weights.h5 as a seekable stream: in memory when small, else in a temporary file deleted when closed, so a
    /// large model's weights are not held twice in memory while loading (a 1 GiB kernel: its copy in the archive's entry
    /// would be a third gigabyte). The machine's memory bounds the declared size: the weights must fit in it anyway.
    /// </summary>
    private static Stream WeightsStream(ZipArchiveEntry entry, string fileName)
    {
        if (entry.Length <= InMemoryWeightsBytes) return ReadEntry(entry, fileName, MaxWeightsEntryBytes);
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (entry.Length > memory)
            throw new KerasFormatException($"{fileName}: {entry.FullName} declares {entry.Length} bytes, more than this machine's memory ({memory} bytes).");
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"tffunctional-weights-{Guid.NewGuid():N}.h5"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            CopyEntry(entry, fileName, file);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An entry's bytes, refused when its declared size exceeds <paramref name="limit"/>, and read no further than the
    /// declared size (a zip whose data inflates beyond what its header says is refused, not followed).
    /// </summary>
    private static MemoryStream ReadEntry(ZipArchiveEntry entry, string fileName, long limit)
    {
        if (entry.Length > limit)
            throw new KerasFormatException($"{fileName}: {entry.FullName} declares {entry.Length} bytes, more than the {limit} a model file's entry may hold.");
        var buffer = new MemoryStream((int)entry.Length);
        CopyEntry(entry, fileName, buffer);
        return buffer;
    }

    /// <summary>Copies an entry's bytes into <paramref name="target"/>, no further than its declared size, and rewinds it.</summary>
    private static void CopyEntry(ZipArchiveEntry entry, string fileName, Stream target)
    {
        using (var stream = entry.Open())
        {
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, entry.Length + 1 - target.Length))) > 0)
                target.Write(chunk, 0, read);
        }
        if (target.Length != entry.Length)
            throw new KerasFormatException($"{fileName}: {entry.FullName} inflates to {target.Length} bytes, but its header declares {entry.Length}.");
        target.Position = 0;
    }

    private static JsonNode? ParseJson(ZipArchiveEntry entry, string fileName)
    {
        try
        {
            using var bytes = ReadEntry(entry, fileName, MaxJsonEntryBytes);
            return JsonNode.Parse(bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException)
        {
            throw new KerasFormatException($"{fileName}: {entry.FullName} cannot be read: {e.Message}", e);
        }
    }

    private static void WriteText(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open());
        writer.Write(text);
    }
}
