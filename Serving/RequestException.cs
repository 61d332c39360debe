namespace TfFunctional.Serving;

/// <summary>A request the server refuses, with the HTTP status and TF Serving-style message to answer.</summary>
public sealed class RequestException(int status, string message) : Exception(message)
{
    /// <summary>400, 404 or 413.</summary>
    public int Status { get; } = status;
}
