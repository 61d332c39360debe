namespace TfFunctional.Saving;

/// <summary>
/// Writes a file through a temporary file in the same folder and a rename: a crash never leaves a broken file in place,
/// and the temporaries that killed saves of the same target left behind are removed by the next save.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        RemoveStaleTemporaries(folder, Path.GetFileName(full));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.None locks the temporary (flock on Unix) for as long as this save runs: that is how a later save
            // tells a live temporary from one a killed process left.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Deletes <c>.{name}.{guid}.tmp</c> files that no running save holds.</summary>
    private static void RemoveStaleTemporaries(string folder, string name)
    {
        foreach (string candidate in Directory.EnumerateFiles(folder, $".{name}.*.tmp"))
        {
            string guid = Path.GetFileName(candidate)[(name.Length + 2)..^4];
            if (guid.Length != 32 || !guid.All(char.IsAsciiHexDigitLower)) continue;
            try
            {
                using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                // Another save is writing it (or it just vanished): leave it.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to remove.
            }
        }
    }
}
