namespace Aot.Server.Binary;

/// <summary>
/// The requests one binary connection has in flight: counted as the read loop admits them and as they are answered,
/// for backpressure (stop reading at the limit) and a graceful close (wait until none is left). Shared by the
/// connection and its requests, so neither calls the other.
/// </summary>
internal sealed class ConnectionRequests(int maxInFlight)
{
    private readonly AsyncSignal _slotFreed = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _draining;
    private volatile bool _clientGone;

    public int MaxInFlight { get; } = Math.Max(1, maxInFlight);

    /// <summary>Requests admitted and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True when the client is gone: queued requests of this connection are dropped, not run.</summary>
    public bool IsClientGone => _clientGone;

    public bool IsFull => Volatile.Read(ref _inFlight) >= MaxInFlight;

    public void ClientGone() => _clientGone = true;

    public void Started() => Interlocked.Increment(ref _inFlight);

    /// <summary>Called when a request has been answered (or dropped).</summary>
    public void Finished()
    {
        int left = Interlocked.Decrement(ref _inFlight);
        if (left < MaxInFlight)
        {
            _slotFreed.Set();
        }

        if (left == 0 && _draining)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Completes when a request finishes and the connection is below its limit again.</summary>
    public ValueTask WaitForSlotAsync()
    {
        _slotFreed.Arm();
        if (!IsFull && _slotFreed.Disarm())
        {
            return ValueTask.CompletedTask; // a slot freed before we armed
        }

        return _slotFreed.WaitAsync();
    }

    /// <summary>Stops counting on new requests and waits (up to <paramref name="timeout"/>) until every one in flight is answered.</summary>
    public Task DrainAsync(TimeSpan timeout)
    {
        _draining = true;
        return Volatile.Read(ref _inFlight) > 0 ? _drained.Task.WaitAsync(timeout) : Task.CompletedTask;
    }
}
