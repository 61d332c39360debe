using System.Globalization;
using System.Text;

namespace TfFunctional;

/// <summary>
/// A tensor's values as NumPy prints them: nested brackets, rows aligned, and beyond 1,000 values only the first and
/// last three entries of each axis around "...".
/// </summary>
internal static class TensorFormat
{
    private const int Threshold = 1000, EdgeItems = 3;

    public static string Values(Array flat, IReadOnlyList<long> shape)
    {
        long count = shape.Aggregate(1L, (p, d) => p * d);
        bool abridged = count > Threshold;
        var text = new StringBuilder();
        Append(text, flat, shape, 0, 0, abridged, 1);
        return text.ToString();
    }

    private static void Append(StringBuilder text, Array flat, IReadOnlyList<long> shape, int axis, long offset, bool abridged, int indent)
    {
        if (axis == shape.Count)
        {
            text.Append(Value(flat.GetValue(offset)));
            return;
        }
        long stride = 1;
        for (int a = axis + 1; a < shape.Count; a++) stride *= shape[a];
        long length = shape[axis];
        text.Append('[');
        bool inner = axis == shape.Count - 1;
        for (long i = 0; i < length; i++)
        {
            if (abridged && length > 2 * EdgeItems && i == EdgeItems)
            {
                text.Append(inner ? "... " : "...\n" + new string(' ', indent));
                i = length - EdgeItems - 1;
                continue;
            }
            Append(text, flat, shape, axis + 1, offset + i * stride, abridged, indent + 1);
            if (i < length - 1) text.Append(inner ? " " : new string('\n', shape.Count - axis - 1) + new string(' ', indent));
        }
        text.Append(']');
    }

    private static string Value(object? value) => value switch
    {
        float f => Real(f, "G7"),
        double d => Real(d, "G15"),
        Half h => Real((double)h, "G4"),
        bool b => b ? "True" : "False",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    /// <summary>NumPy writes whole floats with a trailing point (<c>2.</c>), others at their precision.</summary>
    private static string Real(double value, string format)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string text = value.ToString(format, CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".";
    }
}
