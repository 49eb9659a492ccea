using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// One batch worker's state: its executor (runner, pinned buffers) and the scratch it forms batches with. Owned by its
/// thread, or — while it is lent for a lone request — by the borrower; never by both (ownership changes hands under
/// the <see cref="BatchScheduler"/>'s lock).
/// </summary>
internal sealed class BatchWorker(IModelExecutor executor, ServingSignature signature, BatcherOptions options) : IDisposable
{
    public IModelExecutor Executor { get; } = executor;

    public BatchPlan Plan { get; } = new(signature, options.PadSequences);

    public List<InferenceRequest> Batch { get; } = new(Math.Max(1, options.MaxBatchRows));

    /// <summary>Requests found dead (client gone, deadline passed) while forming a batch, answered outside the lock.</summary>
    public List<(InferenceRequest Request, RequestOutcome Outcome)> Dropped { get; } = [];

    /// <summary>Set by whoever pops this worker off the idle stack to hand it work.</summary>
    public ManualResetEventSlim Wake { get; } = new(initialState: false, spinCount: options.SpinCount);

    public Thread? Thread { get; set; }

    /// <summary>A batch ran since this worker last gave its runtime's memory back (see <see cref="DynamicBatcher"/>'s idle release).</summary>
    public bool HoldsMemory { get; set; }

    /// <summary>Stopwatch timestamp of this worker's last batch (by its thread or a borrower).</summary>
    public long LastRunAt { get; set; }

    public void Dispose()
    {
        Executor.Dispose();
        Wake.Dispose();
    }
}
