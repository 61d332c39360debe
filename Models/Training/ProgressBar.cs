using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TfFunctional;

/// <summary>
/// Keras 2's Progbar: with verbose 1, <c>12/16 [=====================&gt;........] - ETA: 1s - loss: 0.6931</c>, redrawn in
/// place on a terminal and printed once per epoch when output is redirected; with verbose 2, one line per epoch.
/// </summary>
internal sealed class ProgressBar
{
    private const int Width = 30;
    private readonly int _target;
    private readonly int _verbose;
    private readonly TextWriter _out;
    private readonly bool _dynamic;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastUpdate = double.NegativeInfinity;
    private int _previousWidth;

    public ProgressBar(int target, int verbose, TextWriter? output = null, bool? dynamic = null)
    {
        _target = target;
        _verbose = verbose;
        _out = output ?? Console.Out;
        _dynamic = dynamic ?? (output is null && !Console.IsOutputRedirected);
    }

    /// <summary>Shows progress after <paramref name="current"/> steps; <paramref name="finalize"/> ends the line.</summary>
    public void Update(int current, IEnumerable<KeyValuePair<string, double>> values, bool finalize = false)
    {
        if (_verbose == 0) return;
        double now = _clock.Elapsed.TotalSeconds;
        double perStep = current > 0 ? now / current : 0;
        string metrics = string.Concat(values.Select(p => $" - {p.Key}: {Format(p.Value)}"));
        if (_verbose == 2)
        {
            if (!finalize) return;
            string count = Count(current);
            _out.WriteLine($"{count} - {now:F0}s{metrics} -{FormatTime(now, "epoch")} -{FormatTime(perStep, "step")}");
            return;
        }
        if (!finalize && (!_dynamic || now - _lastUpdate < 0.05)) return;
        _lastUpdate = now;
        var bar = new StringBuilder(Count(current)).Append(" [");
        int progress = (int)(Width * (double)current / _target);
        if (progress > 0)
        {
            bar.Append('=', progress - 1);
            bar.Append(current < _target ? '>' : '=');
        }
        bar.Append('.', Width - progress).Append(']');
        string info = finalize
            ? $" - {now:F0}s{FormatTime(perStep, "step")}"
            : $" - ETA: {Eta(perStep * (_target - current))}";
        string line = bar + info + metrics;
        if (_dynamic)
        {
            _out.Write('\r');
            _out.Write(line);
            if (line.Length < _previousWidth) _out.Write(new string(' ', _previousWidth - line.Length));
            _previousWidth = line.Length;
            if (finalize) _out.WriteLine();
        }
        else
            _out.WriteLine(line);
        _out.Flush();
    }

    private string Count(int current)
    {
        int digits = (int)Math.Floor(Math.Log10(Math.Max(_target, 1))) + 1;
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + _target.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Keras prints 4 decimals, or scientific notation below 1e-3.</summary>
    internal static string Format(double value) => Math.Abs(value) > 1e-3
        ? value.ToString("F4", CultureInfo.InvariantCulture)
        : value.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static string FormatTime(double seconds, string unit) =>
        seconds >= 1 || seconds == 0 ? $" {seconds:F0}s/{unit}"
        : seconds >= 1e-3 ? $" {seconds * 1e3:F0}ms/{unit}"
        : $" {seconds * 1e6:F0}us/{unit}";

    private static string Eta(double seconds) =>
        seconds > 3600 ? $"{(int)seconds / 3600}:{(int)seconds % 3600 / 60:00}:{(int)seconds % 60:00}"
        : seconds > 60 ? $"{(int)seconds / 60}:{(int)seconds % 60:00}"
        : $"{(int)seconds}s";
}
