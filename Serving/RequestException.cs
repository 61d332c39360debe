namespace TfFunctional.Serving;

/// <summary>A request the server refuses, with the HTTP status and TF Serving-style message to answer.</summary>
public sealed class RequestException(int status, string message) : Exception(message)
{
    /// <summary>400, 404 or 413.</summary>
    public int Status { get; } = status;

    /// <summary>The kind the error counter files it under in <c>/metrics</c> (REST and gRPC alike).</summary>
    internal string MetricKind => Status switch { 404 => "not_found", 413 => "too_large", _ => "bad_request" };
}
