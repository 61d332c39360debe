namespace TfFunctional.Callbacks;

/// <summary>Keras's "auto" mode: accuracy-like metrics (and auc) improve upwards, everything else downwards.</summary>
internal static class MonitorMode
{
    public static bool Maximize(string monitor, string mode) => mode switch
    {
        "max" => true,
        "min" => false,
        "auto" => monitor.EndsWith("acc") || monitor.EndsWith("accuracy") || monitor.EndsWith("auc"),
        _ => throw new ArgumentException($"Mode {mode} is unknown: expected auto, min or max.", nameof(mode)),
    };
}
