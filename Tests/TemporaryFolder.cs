namespace TfFunctional.Tests;

/// <summary>Folders of the tests' own files, under the system's temporary folder, one new folder per call.</summary>
internal static class TemporaryFolder
{
    /// <summary>Creates <c>tffunctional-{purpose}-{8 hex}</c> in the temporary folder and returns its path.</summary>
    public static string Create(string purpose) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"tffunctional-{purpose}-{Guid.NewGuid().ToString("N")[..8]}")).FullName;
}
