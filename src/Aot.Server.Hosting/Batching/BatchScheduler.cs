using System.Diagnostics;
using Aot.Protocol;
using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// The one owner of a model's queue and of which worker does what: admission (queue or refuse, or lend an idle worker
/// for a lone request) and batch forming (take the oldest live request, add compatible ones up to the row budget,
/// wait up to the batching delay for more). On a padding model a batch is also bounded by padded tokens (rows × its
/// longest request's length, <see cref="BatcherOptions.MaxBatchTokens"/>) and only takes a request whose length is close
/// enough that the padding it adds costs less than a run of its own (<see cref="PaddingBudget.Takes"/>). The seed is always the oldest
/// live request: a request skipped for its length is the oldest (and seeds its own batch) once the requests queued before
/// it are taken, so mixing long and short texts never makes one wait more than one batch behind those. Everything here happens under one lock, held only to link and unlink
/// requests and workers; running batches happens outside it (<see cref="BatchExecution"/>).
/// </summary>
/// <remarks>
/// An idle worker sits on the idle stack. Whoever pops it (under the lock) owns it: a request arriving on an idle model
/// wakes exactly one parked worker; and a lone request (empty queue, no batching delay, inline runs allowed)
/// <em>borrows</em> a parked worker and runs on the caller's thread, saving the wake-up and thread hop. Once requests
/// are seen to overlap (a batch of several, or requests queued behind a run) lone requests stop running inline until a
/// batch of one finds nothing waiting, so under load everything goes through the queue and batches as fully as
/// without the fast path.
/// </remarks>
internal sealed class BatchScheduler
{
    private readonly object _gate = new();
    private readonly RequestQueue _queue = new();
    private readonly ServingSignature _signature;
    private readonly BatcherOptions _options;
    private readonly BatchWorker[] _idle;
    private readonly long _maxDelayTicks;
    private readonly bool _inline;
    private readonly PaddingBudget _padding;
    private int _idleCount;
    private int _gatherers;

    // True while the model sees concurrent traffic: the last batch had company, or requests queued behind it or behind
    // an inline run. Lone requests then go through the queue like the rest; the first batch of one with nothing
    // waiting clears it.
    private bool _contended;
    private bool _stopping;

    // Set when a model declared a symbolic dimension 0 that turned out not to be a batch dimension (an output's
    // dimension 0 did not equal the batch's rows): from then on each request runs alone.
    private volatile bool _batchingBroken;

    public BatchScheduler(ServingSignature signature, BatcherOptions options, int workers)
    {
        _signature = signature;
        _options = options;
        _idle = new BatchWorker[workers];
        _maxDelayTicks = (long)(options.MaxDelay.TotalSeconds * Stopwatch.Frequency);
        _inline = options.InlineLoneRequests && _maxDelayTicks == 0;
        _padding = new PaddingBudget(options);
    }

    /// <summary>The padded-token budget of this model's batches.</summary>
    public PaddingBudget Padding => _padding;

    /// <summary>Whether lone requests may run inline at all (no batching delay, option on).</summary>
    public bool RunsLoneRequestsInline => _inline;

    public int QueueDepth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public bool HasIdleWorker
    {
        get
        {
            lock (_gate)
            {
                return _idleCount > 0;
            }
        }
    }

    /// <summary>Stops batching after a batch showed dimension 0 is not a batch dimension.</summary>
    public void BreakBatching() => _batchingBroken = true;

    /// <summary>
    /// Admits a validated request: lends an idle worker when <paramref name="mayRunInline"/> and the model is idle
    /// (<paramref name="borrowed"/> set: the caller runs it and gives the worker back), else queues it (waking a parked
    /// worker), else refuses it with <paramref name="refusal"/> (queue full, or stopping).
    /// </summary>
    public bool TryAdmit(InferenceRequest request, bool mayRunInline, out BatchWorker? borrowed, out ErrorCode refusal)
    {
        borrowed = null;
        BatchWorker? wake = null;
        lock (_gate)
        {
            if (_stopping)
            {
                refusal = ErrorCode.Unavailable;
                return false;
            }

            if (mayRunInline && _inline && !_contended && _idleCount > 0 && _queue.Head is null)
            {
                borrowed = _idle[--_idleCount];
            }
            else
            {
                if (_queue.Count >= _options.MaxQueue)
                {
                    refusal = ErrorCode.Overloaded;
                    return false;
                }

                request.EnqueuedAt = Stopwatch.GetTimestamp();
                _queue.Enqueue(request);
                if (_gatherers > 0)
                {
                    Monitor.PulseAll(_gate); // a worker waiting for its batch to fill: let it look
                }
                else if (_idleCount > 0)
                {
                    wake = _idle[--_idleCount];
                }
            }
        }

        refusal = default;
        wake?.Wake.Set();
        return true;
    }

    /// <summary>Lends an idle worker for a lone request if the model is idle right now; null otherwise.</summary>
    public BatchWorker? TryBorrow()
    {
        lock (_gate)
        {
            return !_inline || _contended || _stopping || _idleCount == 0 || _queue.Head is not null ? null : _idle[--_idleCount];
        }
    }

    /// <summary>
    /// Takes a parked worker back off the idle stack for work of its own (the idle release); false when someone popped
    /// it meanwhile (it was woken or lent): then it must not touch its executor, and waits to be woken as usual.
    /// </summary>
    public bool TryReclaim(BatchWorker worker)
    {
        lock (_gate)
        {
            int at = Array.IndexOf(_idle, worker, 0, _idleCount);
            if (at < 0 || _stopping)
            {
                return false;
            }

            _idle[at] = _idle[--_idleCount];
            _idle[_idleCount] = null!;
            return true;
        }
    }

    /// <summary>Returns a lent worker: it takes the requests that queued up meanwhile, or parks again (it never woke).</summary>
    public void GiveBack(BatchWorker worker)
    {
        bool wake;
        lock (_gate)
        {
            wake = _queue.Head is not null || _stopping;
            _contended |= _queue.Head is not null;
            if (!wake)
            {
                _idle[_idleCount++] = worker;
            }
        }

        if (wake)
        {
            worker.Wake.Set();
        }
    }

    /// <summary>
    /// Forms the worker's next batch into <see cref="BatchWorker.Batch"/> and returns its rows; dead requests found on the
    /// way go to <see cref="BatchWorker.Dropped"/>. With nothing to do the worker goes on the idle stack
    /// (<paramref name="park"/>), or, when stopping and drained, <paramref name="exit"/>.
    /// </summary>
    public long TakeBatch(BatchWorker worker, out bool park, out bool exit)
    {
        long rows = 0;
        park = exit = false;
        BatchWorker? wake = null;
        List<InferenceRequest> batch = worker.Batch;
        lock (_gate)
        {
            InferenceRequest? seed = TakeSeed(worker.Dropped);
            if (seed is not null)
            {
                batch.Add(seed);
                rows = seed.Rows;
                long longest = seed.PaddedLength;
                if (_signature.IsBatchable && !_batchingBroken)
                {
                    rows = Gather(seed, batch, rows, ref longest, worker.Dropped);
                    if (_maxDelayTicks > 0)
                    {
                        rows = WaitForMore(seed, batch, rows, ref longest, worker.Dropped);
                    }
                }

                _contended = batch.Count > 1 || _queue.Head is not null;

                // More work than this batch: hand it to a parked worker rather than leaving it to wait for us.
                if (_queue.Head is not null && _idleCount > 0)
                {
                    wake = _idle[--_idleCount];
                }
            }
            else if (worker.Dropped.Count == 0)
            {
                if (_stopping)
                {
                    exit = true;
                }
                else
                {
                    _idle[_idleCount++] = worker;
                    park = true;
                }
            }
        }

        wake?.Wake.Set();
        return rows;
    }

    /// <summary>Stops admitting and takes the parked workers off the idle stack, for the caller to wake so they can exit.</summary>
    public BatchWorker[] Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            BatchWorker[] parked = _idle[.._idleCount];
            _idleCount = 0;
            Monitor.PulseAll(_gate);
            return parked;
        }
    }

    /// <summary>Empties the queue (after the workers stopped) and returns what was left in it.</summary>
    public List<InferenceRequest> TakeAbandoned()
    {
        var abandoned = new List<InferenceRequest>();
        lock (_gate)
        {
            while (_queue.Head is { } request)
            {
                _queue.Remove(request);
                abandoned.Add(request);
            }
        }

        return abandoned;
    }

    /// <summary>Takes the oldest live request; null when the queue is empty (dead requests go to <paramref name="dropped"/>).</summary>
    private InferenceRequest? TakeSeed(List<(InferenceRequest, RequestOutcome)> dropped)
    {
        while (_queue.Head is { } head)
        {
            _queue.Remove(head);
            if (IsDead(head, out RequestOutcome outcome))
            {
                dropped.Add((head, outcome));
                continue;
            }

            return head;
        }

        return null;
    }

    /// <summary>
    /// Waits (holding the lock only between looks) until the batch is full or <see cref="BatcherOptions.MaxDelay"/>
    /// after the seed was queued. Whole milliseconds are slept on the monitor (an enqueue pulses it); the last
    /// sub-millisecond part is spent yielding the CPU and looking again, so delays below 1 ms are honoured.
    /// </summary>
    private long WaitForMore(InferenceRequest seed, List<InferenceRequest> batch, long rows, ref long longest, List<(InferenceRequest, RequestOutcome)> dropped)
    {
        long waitUntil = seed.EnqueuedAt + _maxDelayTicks;
        long oneMs = Stopwatch.Frequency / 1000;
        while (rows < _options.MaxBatchRows && !_stopping)
        {
            long left = waitUntil - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                break;
            }

            _gatherers++;
            if (left >= oneMs)
            {
                Monitor.Wait(_gate, (int)(left / oneMs));
            }
            else
            {
                Monitor.Exit(_gate);
                try
                {
                    Thread.Yield();
                }
                finally
                {
                    Monitor.Enter(_gate);
                }
            }

            _gatherers--;
            rows = Gather(seed, batch, rows, ref longest, dropped);
        }

        return rows;
    }

    /// <summary>
    /// Moves queued requests compatible with <paramref name="seed"/> into the batch while rows fit and, on a padding
    /// model, while the padded tokens (rows × <paramref name="longest"/>) fit and taking the request costs less padding
    /// than running it apart would cost (<see cref="PaddingBudget.RunOverheadTokens"/>).
    /// </summary>
    private long Gather(InferenceRequest seed, List<InferenceRequest> batch, long rows, ref long longest, List<(InferenceRequest, RequestOutcome)> dropped)
    {
        InferenceRequest? candidate = _queue.Head;
        while (candidate is not null && rows < _options.MaxBatchRows)
        {
            InferenceRequest? next = candidate.QueueNext;
            if (IsDead(candidate, out RequestOutcome outcome))
            {
                _queue.Remove(candidate);
                dropped.Add((candidate, outcome));
            }
            else if (rows + candidate.Rows <= _options.MaxBatchRows
                && _padding.Takes(rows, longest, candidate)
                && BatchPlan.AreCompatible(_signature, seed, candidate, _options.PadSequences))
            {
                _queue.Remove(candidate);
                batch.Add(candidate);
                rows += candidate.Rows;
                longest = Math.Max(longest, candidate.PaddedLength);
            }

            candidate = next;
        }

        return rows;
    }

    private static bool IsDead(InferenceRequest request, out RequestOutcome outcome)
    {
        if (request.IsAbandoned)
        {
            outcome = RequestOutcome.Cancelled;
            return true;
        }

        if (request.DeadlineAt != 0 && Stopwatch.GetTimestamp() > request.DeadlineAt)
        {
            outcome = RequestOutcome.DeadlineExceeded;
            return true;
        }

        outcome = RequestOutcome.Success;
        return false;
    }
}
