using Prometheus;

namespace TfFunctional.Serving;

/// <summary>The Prometheus metrics of the server (exposed at <c>/metrics</c>).</summary>
internal static class ServingMetrics
{
    public static readonly Counter Requests = Prometheus.Metrics.CreateCounter("tffunctional_requests_total", "Prediction requests.", "model");
    public static readonly Counter Errors = Prometheus.Metrics.CreateCounter("tffunctional_errors_total", "Failed requests by kind.", "model", "kind");
    public static readonly Histogram Latency = Prometheus.Metrics.CreateHistogram("tffunctional_request_duration_seconds", "Prediction request latency.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
    public static readonly Histogram BatchSize = Prometheus.Metrics.CreateHistogram("tffunctional_batch_size", "Rows per Predict call.",
        new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.LinearBuckets(1, 4, 16) });
    public static readonly Gauge LoadSeconds = Prometheus.Metrics.CreateGauge("tffunctional_model_load_seconds", "Time the last model load took.", "model");
    public static readonly Counter Reloads = Prometheus.Metrics.CreateCounter("tffunctional_model_reloads_total", "Model file reloads by outcome.", "model", "outcome");
}
