namespace TfFunctional.Server;

/// <summary>
/// Names the server assembly for hosts that start it in-process (for example <c>WebApplicationFactory</c> in tests),
/// where the top-level <c>Program</c> type would clash with other entry points.
/// </summary>
public sealed class ServerAssembly
{
    private ServerAssembly() { }
}
