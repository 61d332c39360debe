namespace TfFunctional.Serving;

/// <summary>
/// Which versions of a model under a base path are served, as TF Serving's <c>model_version_policy</c>: the latest N
/// (the default, N = 1), all, or specific version numbers. A version folder whose model does not load is passed over:
/// with <c>Latest(1)</c>, a broken new version leaves the previous one serving.
/// </summary>
public abstract record VersionPolicy
{
    private VersionPolicy() { }

    /// <summary>The <paramref name="count"/> highest versions that load.</summary>
    public static VersionPolicy Latest(int count = 1) => count > 0 ? new LatestVersions(count)
        : throw new ArgumentOutOfRangeException(nameof(count), $"num_versions must be positive. Received: {count}");

    /// <summary>Every version found.</summary>
    public static VersionPolicy All { get; } = new AllVersions();

    /// <summary>Exactly these versions (those present and loadable).</summary>
    public static VersionPolicy Specific(params int[] versions) => versions.Length > 0 ? new SpecificVersions(versions.ToHashSet())
        : throw new ArgumentException("A specific version policy needs at least one version.", nameof(versions));

    /// <summary>Chooses, from the versions found (highest first), those to serve; <paramref name="loads"/> loads one on demand and says whether it did.</summary>
    internal abstract IEnumerable<int> Choose(IReadOnlyList<int> foundHighestFirst, Func<int, bool> loads);

    private sealed record LatestVersions(int Count) : VersionPolicy
    {
        internal override IEnumerable<int> Choose(IReadOnlyList<int> found, Func<int, bool> loads) => found.Where(loads).Take(Count);
    }

    private sealed record AllVersions : VersionPolicy
    {
        internal override IEnumerable<int> Choose(IReadOnlyList<int> found, Func<int, bool> loads) => found.Where(loads);
    }

    private sealed record SpecificVersions(HashSet<int> Versions) : VersionPolicy
    {
        internal override IEnumerable<int> Choose(IReadOnlyList<int> found, Func<int, bool> loads) => found.Where(v => Versions.Contains(v) && loads(v));
    }
}
