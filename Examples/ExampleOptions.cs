namespace TfFunctional.Examples;

/// <summary>
/// The command-line flags every example understands: <c>--epochs N</c>, <c>--samples N</c>, <c>--quick</c>, <c>--out DIR</c>,
/// <c>--seed N</c> (1 by default: every run of an example gives the same numbers).
/// </summary>
internal sealed record ExampleOptions(int? Epochs, int? Samples, bool Quick, string OutputFolder, int Seed = 1)
{
    public static ExampleOptions Parse(IReadOnlyList<string> args)
    {
        int? Int(string flag)
        {
            int i = args.ToList().IndexOf(flag);
            return i >= 0 && i + 1 < args.Count && int.TryParse(args[i + 1], out int value) ? value : null;
        }
        int outIndex = args.ToList().IndexOf("--out");
        string folder = outIndex >= 0 && outIndex + 1 < args.Count ? args[outIndex + 1] : Directory.GetCurrentDirectory();
        return new ExampleOptions(Int("--epochs"), Int("--samples"), args.Contains("--quick"), folder, Int("--seed") ?? 1);
    }

    /// <summary>Epochs: the flag, else the quick or full default.</summary>
    public int EpochsOr(int full, int quick) => Epochs ?? (Quick ? quick : full);

    /// <summary>Samples: the flag, else the quick or full default.</summary>
    public int SamplesOr(int full, int quick) => Samples ?? (Quick ? quick : full);

    /// <summary>A file in the output folder.</summary>
    public string File(string name) => Path.Combine(OutputFolder, name);
}
