namespace Aot.Server.Hosting;

/// <summary>Server-wide readiness: true once listening with every model warm, false again as soon as shutdown starts.</summary>
internal sealed class ServerState
{
    private volatile bool _ready;
    private volatile bool _stopping;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready;

    /// <summary>True from the start of shutdown (SIGTERM / Ctrl-C): the server is draining.</summary>
    public bool IsStopping => _stopping;

    /// <summary>
    /// Completes at the next change of <see cref="IsReady"/> or <see cref="IsStopping"/>; take it before reading the state,
    /// so a change between the read and the wait is not missed (gRPC health watchers).
    /// </summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public void MarkReady()
    {
        _ready = true;
        Signal();
    }

    public void MarkStopping()
    {
        _ready = false;
        _stopping = true;
        Signal();
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
