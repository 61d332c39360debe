using System.Text.RegularExpressions;

namespace TfFunctional;

/// <summary>Keras's automatic names: snake_cased class names made unique per session (<c>dense</c>, <c>dense_1</c>).</summary>
internal static partial class Naming
{
    private static readonly Dictionary<string, int> Counters = [];

    /// <summary><c>Conv2D</c> → <c>conv2d</c>, <c>GlobalAveragePooling1D</c> → <c>global_average_pooling1d</c>, as Keras's to_snake_case.</summary>
    public static string ToSnakeCase(string name)
    {
        string intermediate = UpperWordAfterAny().Replace(name, "$1_$2");
        return LowerThenUpper().Replace(intermediate, "$1_$2").ToLowerInvariant();
    }

    /// <summary>The next unique name for <paramref name="baseName"/>: the first is the base itself (zero-based) or <c>_1</c> (one-based).</summary>
    public static string UniqueName(string baseName, bool zeroBased = true)
    {
        lock (Counters)
        {
            Counters.TryGetValue(baseName, out int count);
            Counters[baseName] = count + 1;
            if (zeroBased)
                return count == 0 ? baseName : $"{baseName}_{count}";
            return $"{baseName}_{count + 1}";
        }
    }

    /// <summary>Forgets every counter (Keras's <c>clear_session</c>).</summary>
    public static void Reset()
    {
        lock (Counters) Counters.Clear();
    }

    [GeneratedRegex("(.)([A-Z][a-z0-9]+)")]
    private static partial Regex UpperWordAfterAny();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerThenUpper();
}
