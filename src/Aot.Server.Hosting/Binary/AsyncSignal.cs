using System.Threading.Tasks.Sources;

namespace Aot.Server.Binary;

/// <summary>
/// A reusable, allocation-free one-waiter signal: <see cref="Arm"/>, then either <see cref="Set"/> (from any thread)
/// or <see cref="Disarm"/>; the waiter awaits <see cref="WaitAsync"/>. Used by a connection's read loop to wait for
/// a free in-flight slot without allocating a Task per pause.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _armed;

    /// <summary>Prepares a new wait. Call before re-checking the condition, so a <see cref="Set"/> in between is not lost.</summary>
    public void Arm()
    {
        _core.Reset();
        Volatile.Write(ref _armed, 1);
    }

    /// <summary>Cancels the armed wait; true when no <see cref="Set"/> claimed it (so nothing will complete it).</summary>
    public bool Disarm() => Interlocked.Exchange(ref _armed, 0) == 1;

    /// <summary>Completes the armed wait, if there is one. Safe to call from any thread, any number of times.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.SetResult(true);
        }
    }

    /// <summary>Completes when the armed wait is set.</summary>
    public ValueTask WaitAsync() => new(this, _core.Version);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
