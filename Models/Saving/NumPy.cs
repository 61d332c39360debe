using System.Text;
using System.Text.RegularExpressions;

namespace TfFunctional.Saving;

/// <summary>NumPy's <c>.npy</c> files (format 1.0–3.0, little-endian, C order): what data scientists hand over.</summary>
public static partial class NumPy
{
    /// <summary>Reads an array: float32/float64 (as float or double), int32/int64/int8/uint8, bool.</summary>
    /// <exception cref="KerasFormatException">Not an .npy file, Fortran order, or an unsupported dtype.</exception>
    public static Tensor Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, Path.GetFileName(path));
    }

    /// <summary>Reads an array from a stream.</summary>
    public static Tensor Load(Stream stream, string name)
    {
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        var magic = reader.ReadBytes(6);
        if (magic.Length < 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new KerasFormatException($"{name} is not a NumPy .npy file (bad magic).");
        byte major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        string descr = Field(header, "descr", name);
        if (Regex.IsMatch(header, @"'fortran_order':\s*True"))
            throw new KerasFormatException($"{name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray first.");
        var shapeText = ShapePattern().Match(header);
        if (!shapeText.Success) throw new KerasFormatException($"{name}: the header has no shape: {header}");
        long[] shape = shapeText.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        long count = shape.Aggregate(1L, (p, d) => p * d);
        if (descr.StartsWith('>')) throw new KerasFormatException($"{name}: big-endian arrays ({descr}) are not supported.");
        T[] Read<T>(int size, Func<BinaryReader, T> one)
        {
            var values = new T[count];
            for (long i = 0; i < count; i++) values[i] = one(reader);
            return values;
        }
        try
        {
            return descr.TrimStart('<', '|', '=') switch
            {
                "f4" => Tensor.From(Read(4, r => r.ReadSingle()), shape),
                "f8" => Tensor.From(Read(8, r => r.ReadDouble()), shape),
                "i4" => Tensor.From(Read(4, r => r.ReadInt32()), shape),
                "i8" => Tensor.From(Read(8, r => r.ReadInt64()), shape),
                "u1" => Tensor.From(Read(1, r => r.ReadByte()), shape),
                "i1" => Tensor.From(Read(1, r => r.ReadSByte()), shape),
                "b1" => Tensor.From(Read(1, r => r.ReadByte() != 0), shape),
                _ => throw new KerasFormatException($"{name}: dtype '{descr}' is not supported (float32, float64, int8/32/64, uint8, bool are)."),
            };
        }
        catch (EndOfStreamException)
        {
            throw new KerasFormatException($"{name} is truncated: the header announces shape ({string.Join(", ", shape)}).");
        }
    }

    /// <summary>Writes a tensor as an .npy file (format 1.0), through a temporary file.</summary>
    public static void Save(string path, Tensor tensor) => AtomicFile.Write(path, stream => Save(stream, tensor));

    /// <summary>
    /// Writes several tensors as an .npz archive (NumPy's <c>savez</c>: a zip holding one <c>&lt;name&gt;.npy</c> per
    /// entry, read back with <c>numpy.load(path)[name]</c>), through a temporary file.
    /// </summary>
    public static void SaveArchive(string path, IReadOnlyDictionary<string, Tensor> tensors) => AtomicFile.Write(path, stream =>
    {
        using var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, tensor) in tensors)
        {
            using var entry = archive.CreateEntry(name + ".npy", System.IO.Compression.CompressionLevel.NoCompression).Open();
            Save(entry, tensor);
        }
    });

    /// <summary>Writes a tensor to a stream as .npy (format 1.0).</summary>
    public static void Save(Stream stream, Tensor tensor)
    {
        string descr = tensor.DType switch
        {
            DType.Float32 => "<f4",
            DType.Float64 => "<f8",
            DType.Int32 => "<i4",
            DType.Int64 => "<i8",
            DType.UInt8 => "|u1",
            DType.Bool => "|b1",
            var other => throw new NotSupportedException($"Saving {other.KerasName()} tensors as .npy is not supported."),
        };
        var dims = tensor.Shape.Select(d => d!.Value.ToString()).ToArray();
        string shape = dims.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        using var writer = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true);
        writer.Write(new byte[] { 0x93 });
        writer.Write(Encoding.ASCII.GetBytes("NUMPY"));
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.ASCII.GetBytes(header));
        switch (tensor.DType)
        {
            case DType.Float32: foreach (var v in tensor.ToArray<float>()) writer.Write(v); break;
            case DType.Float64: foreach (var v in tensor.ToArray<double>()) writer.Write(v); break;
            case DType.Int32: foreach (var v in tensor.ToArray<int>()) writer.Write(v); break;
            case DType.Int64: foreach (var v in tensor.ToArray<long>()) writer.Write(v); break;
            case DType.UInt8: writer.Write(tensor.ToArray<byte>()); break;
            case DType.Bool: foreach (var v in tensor.ToArray<bool>()) writer.Write(v); break;
        }
    }

    private static string Field(string header, string key, string name)
    {
        var match = Regex.Match(header, $@"'{key}':\s*'([^']*)'");
        return match.Success ? match.Groups[1].Value : throw new KerasFormatException($"{name}: the header has no '{key}': {header}");
    }

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
