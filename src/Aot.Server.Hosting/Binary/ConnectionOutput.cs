using System.IO.Pipelines;

namespace Aot.Server.Binary;

/// <summary>
/// The write side of one binary connection, shared by the read loop (errors, pongs, metadata) and by batch
/// workers that write responses straight from the runner's output buffers. A frame is written whole under
/// <see cref="Gate"/>, then flushed: inline when no flush is pending (the pipe normally completes it at once),
/// otherwise by the pending flush's continuation, so a worker never waits on a slow client.
/// </summary>
internal sealed class ConnectionOutput(PipeWriter writer)
{
    private bool _flushing;
    private bool _flushAgain;
    private bool _closed;

    /// <summary>Held while writing one frame; writers must check <see cref="IsClosed"/> inside it.</summary>
    public object Gate { get; } = new();

    public PipeWriter Writer { get; } = writer;

    /// <summary>True once the connection is going away: nothing may be written any more.</summary>
    public bool IsClosed => _closed;

    /// <summary>Makes what was written visible to the transport. Call while holding <see cref="Gate"/>.</summary>
    public void FlushLocked()
    {
        if (_closed)
        {
            return;
        }

        if (_flushing)
        {
            _flushAgain = true;
            return;
        }

        ValueTask<FlushResult> flush = Writer.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            if (flush.Result.IsCompleted)
            {
                _closed = true; // the client stopped reading for good
            }

            return;
        }

        _flushing = true;
        _ = AwaitFlushAsync(flush);
    }

    /// <summary>Stops all writing; called when the connection ends. Safe to call more than once.</summary>
    public void Close()
    {
        lock (Gate)
        {
            _closed = true;
        }
    }

    private async Task AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        while (true)
        {
            bool completed;
            try
            {
                completed = (await flush.ConfigureAwait(false)).IsCompleted;
            }
            catch (Exception)
            {
                completed = true; // the transport failed: treat as closed
            }

            lock (Gate)
            {
                if (completed)
                {
                    _closed = true;
                }

                if (_closed || !_flushAgain)
                {
                    _flushing = false;
                    return;
                }

                _flushAgain = false;
                flush = Writer.FlushAsync();
            }
        }
    }
}
