namespace Aot.Server.Batching;

/// <summary>How a model's <see cref="DynamicBatcher"/> forms batches and admits requests.</summary>
internal sealed record class BatcherOptions
{
    /// <summary>Most rows (dimension 0) in one batch run. 1 turns batching off.</summary>
    public int MaxBatchRows { get; init; } = 32;

    /// <summary>
    /// How long a batch may wait for more requests after its first one arrived. Zero (the default): run whatever
    /// is queued as soon as a worker is free, so a lone request on an idle model never waits.
    /// </summary>
    public TimeSpan MaxDelay { get; init; }

    /// <summary>Most requests waiting in the queue; the next one is refused at once (overload).</summary>
    public int MaxQueue { get; init; } = 1024;

    /// <summary>Workers (threads), each with its own runner and buffers.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>
    /// With <see cref="PadSequences"/>, most padded tokens in one batch: rows × the longest request's length
    /// (<see cref="PaddedLength"/>). 0 = rows only. A request longer than this alone still runs, alone.
    /// </summary>
    public long MaxBatchTokens { get; init; }

    /// <summary>Batch requests whose symbolic non-batch dimensions differ by padding to the longest (zeros), and trim outputs back.</summary>
    public bool PadSequences { get; init; }

    /// <summary>
    /// With no batching delay, a request that finds the model idle (a parked worker, nothing queued) runs on the
    /// caller's thread with that worker's runner instead of waking the worker: one thread hop less.
    /// </summary>
    public bool InlineLoneRequests { get; init; } = true;

    /// <summary>Spin iterations of an idle worker before it blocks (<see cref="ManualResetEventSlim.SpinCount"/>).</summary>
    public int SpinCount { get; init; } = 35;
}
