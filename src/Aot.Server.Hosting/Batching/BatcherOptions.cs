using Aot.Runtime;

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
    /// (<see cref="PaddedLength"/>). 0 = rows only; null = the device's default (<see cref="ForDevice"/>). A request
    /// longer than this alone still runs, alone.
    /// </summary>
    public long? MaxBatchTokens { get; init; }

    /// <summary>
    /// These options for a model on <paramref name="device"/>: an unset token budget becomes 16384 on a GPU (TEI's
    /// default) and 2048 on a CPU, where bigger batches gain no speed (measured: the same or less CPU per request on
    /// MiniLM) but keep hundreds of MB more of attention intermediates in ONNX Runtime's arena.
    /// </summary>
    public BatcherOptions ForDevice(DeviceKind device) =>
        MaxBatchTokens is not null ? this : this with { MaxBatchTokens = device == DeviceKind.Cuda ? 16384 : 2048 };

    /// <summary>Batch requests whose symbolic non-batch dimensions differ by padding to the longest (zeros), and trim outputs back.</summary>
    public bool PadSequences { get; init; }

    /// <summary>
    /// With no batching delay, a request that finds the model idle (a parked worker, nothing queued) runs on the
    /// caller's thread with that worker's runner instead of waking the worker: one thread hop less.
    /// </summary>
    public bool InlineLoneRequests { get; init; } = true;

    /// <summary>
    /// How long a model stays idle after running batches before its workers give back the memory ONNX Runtime's
    /// arenas grew to (one run on the smallest input, shrinking the arenas); zero never does. Under load nothing is
    /// released, so batches keep their memory warm; after a burst the process returns close to its resting size.
    /// </summary>
    public TimeSpan ReleaseMemoryAfterIdle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Spin iterations of an idle worker before it blocks (<see cref="ManualResetEventSlim.SpinCount"/>).</summary>
    public int SpinCount { get; init; } = 35;
}
