namespace Aot.Server.Hosting;

/// <summary>Server-wide readiness: true once listening with every model warm, false again as soon as shutdown starts.</summary>
internal sealed class ServerState
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;

    public void MarkStopping() => _ready = false;
}
