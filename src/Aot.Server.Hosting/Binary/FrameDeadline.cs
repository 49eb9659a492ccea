namespace Aot.Server.Binary;

/// <summary>
/// The time a connection's partial frame has left to arrive whole (<c>--frame-timeout-s</c>), counted from its first
/// byte, so a client trickling a frame cannot hold the connection open. One token source per connection, re-armed per
/// frame: only frames that span several reads use it.
/// </summary>
internal sealed class FrameDeadline(TimeSpan timeout) : IDisposable
{
    private CancellationTokenSource _source = new();
    private bool _running;

    public TimeSpan Timeout => timeout;

    /// <summary>What a read waiting for the rest of a frame passes; none while no frame is partial.</summary>
    public CancellationToken Token => _running ? _source.Token : default;

    /// <summary>True once a started deadline has passed.</summary>
    public bool Expired => _running && _source.IsCancellationRequested;

    /// <summary>A frame is partial: starts its clock, unless it is already running for this frame.</summary>
    public void Start()
    {
        if (_running)
        {
            return;
        }

        _source.CancelAfter(timeout);
        _running = true;
    }

    /// <summary>No frame is partial (or the connection is not being read): stops the clock.</summary>
    public void Stop()
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        if (!_source.TryReset())
        {
            _source.Dispose();
            _source = new CancellationTokenSource();
        }
    }

    public void Dispose() => _source.Dispose();
}
