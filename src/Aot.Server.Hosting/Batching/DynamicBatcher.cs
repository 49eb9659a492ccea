using System.Diagnostics;
using Aot.Runtime;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Batching;

/// <summary>How <see cref="DynamicBatcher.Submit"/> dealt with a request.</summary>
internal enum SubmitResult
{
    /// <summary>Refused (queue full, or stopping): the caller still owns the request and answers it.</summary>
    Refused,

    /// <summary>Queued: a worker will answer it through <see cref="InferenceRequest.OnCompleted"/> / <see cref="InferenceRequest.OnFailed"/>.</summary>
    Queued,

    /// <summary>Run inline on the calling thread (the model was idle): it has already been answered.</summary>
    Completed,
}

/// <summary>
/// The one owner of a model's request queue and of its workers' runners. Callers only <see cref="Submit"/>
/// (admission answers overload at once when the queue is full); worker threads, each with its own executor
/// (runner, pinned buffers), take the oldest live request, add queued requests whose shapes agree beyond dimension
/// 0 up to the row budget (waiting at most <see cref="BatcherOptions.MaxDelay"/> for more), copy every request's
/// bytes once into the batch input buffers, run, and hand each request its slice of the outputs.
/// </summary>
/// <remarks>
/// <para>
/// Workers are dedicated threads rather than tasks reading a Channel: a batch run is synchronous, CPU-bound native
/// code, and a monitor gives a timed wait for the batching delay, FIFO hand-off and zero allocation per request
/// without sync-over-async. The lock is held only to link and unlink requests and workers.
/// </para>
/// <para>
/// An idle worker parks on its own event and sits on the idle stack. Whoever pops it from that stack (under the
/// lock) owns it: a request arriving on an idle model wakes exactly one parked worker; and a lone request (empty
/// queue, no batching delay, <see cref="BatcherOptions.InlineLoneRequests"/>) <em>borrows</em> a parked worker
/// — executor, batch plan and all — and runs on the caller's thread, saving the wake-up and thread hop (tens of
/// µs on a busy machine). The parked thread never notices: the borrower gives the worker back, waking it only if
/// requests queued up meanwhile. Once requests are seen to overlap (a batch of several, or requests queued behind a
/// run) lone requests stop running inline until a batch of one finds nothing waiting, so under load everything goes
/// through the queue and batches as fully as without the fast path.
/// </para>
/// </remarks>
internal sealed class DynamicBatcher : IDisposable
{
    private readonly object _gate = new();
    private readonly RequestQueue _queue = new();
    private readonly ServingSignature _signature;
    private readonly BatcherOptions _options;
    private readonly ModelMetrics _metrics;
    private readonly Worker[] _workers;
    private readonly Worker[] _idle;
    private readonly long _maxDelayTicks;
    private readonly bool _inline;
    private readonly string _name;
    private int _idleCount;
    private int _gatherers;

    // True while the model sees concurrent traffic: the last batch had company, or requests queued behind it or behind
    // an inline run. Lone requests then go through the queue like the rest, so the worker keeps forming full batches
    // instead of being lent out for single requests between them; the first batch of one with nothing waiting clears it.
    private bool _contended;
    private int _inFlight;
    private bool _stopping;
    private bool _started;

    // Set when a model declared a symbolic dimension 0 that turned out not to be a batch dimension (an output's
    // dimension 0 did not equal the batch's rows): from then on each request runs alone.
    private volatile bool _batchingBroken;

    public DynamicBatcher(string name, ServingSignature signature, Func<IModelExecutor> createExecutor, BatcherOptions options, ModelMetrics metrics)
    {
        _name = name;
        _signature = signature;
        _options = options;
        _metrics = metrics;
        _maxDelayTicks = (long)(options.MaxDelay.TotalSeconds * Stopwatch.Frequency);
        _inline = options.InlineLoneRequests && _maxDelayTicks == 0;
        _workers = new Worker[Math.Max(1, options.Workers)];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Worker(createExecutor(), signature, options);
        }

        _idle = new Worker[_workers.Length];
        metrics.QueueDepth = () => QueueDepth;
        metrics.InFlight = () => Volatile.Read(ref _inFlight);
    }

    /// <summary>Requests waiting for a worker.</summary>
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

    /// <summary>Requests admitted and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public BatcherOptions Options => _options;

    /// <summary>Whether a worker is parked (idle) right now.</summary>
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

    /// <summary>Starts the worker threads.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
        }

        for (int i = 0; i < _workers.Length; i++)
        {
            Worker worker = _workers[i];
            worker.Thread = new Thread(() => WorkerLoop(worker))
            {
                IsBackground = true,
                Name = $"aot-batch-{_name}-{i}",
            };
            worker.Thread.Start();
        }
    }

    /// <summary>
    /// Queues a validated request (never runs it inline). Returns false with the reason when it is refused: the
    /// queue is full (<see cref="ErrorCode.Overloaded"/>) or the server is stopping (<see cref="ErrorCode.Unavailable"/>);
    /// the request is then not owned by the batcher and the caller answers it.
    /// </summary>
    public bool TryEnqueue(InferenceRequest request, out ErrorCode refusal) => Submit(request, mayRunInline: false, out refusal) != SubmitResult.Refused;

    /// <summary>
    /// Hands a validated request to the batcher. When <paramref name="mayRunInline"/> and the model is idle (a
    /// parked worker, nothing queued, no batching delay) the request runs at once on the calling thread with that
    /// worker's runner and has been answered when this returns (<see cref="SubmitResult.Completed"/>); otherwise it
    /// is queued, or refused with <paramref name="refusal"/> (the caller then still owns and answers it).
    /// </summary>
    public SubmitResult Submit(InferenceRequest request, bool mayRunInline, out ErrorCode refusal)
    {
        Worker? borrowed = null;
        Worker? wake = null;
        lock (_gate)
        {
            if (_stopping)
            {
                refusal = ErrorCode.Unavailable;
                return SubmitResult.Refused;
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
                    return SubmitResult.Refused;
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

            Interlocked.Increment(ref _inFlight);
        }

        refusal = default;
        if (borrowed is null)
        {
            wake?.Wake.Set();
            return SubmitResult.Queued;
        }

        RunBorrowed(borrowed, request);
        return SubmitResult.Completed;
    }

    /// <summary>Whether lone requests may run inline at all (no batching delay, option on).</summary>
    public bool RunsLoneRequestsInline => _inline;

    /// <summary>
    /// Runs a validated request at once on the calling thread if the model is idle (a parked worker, nothing
    /// queued); true when it ran and has been answered. False leaves the request with the caller, untouched, to
    /// <see cref="Submit"/> (after copying any borrowed input bytes).
    /// </summary>
    public bool TryRunInline(InferenceRequest request)
    {
        Worker borrowed;
        lock (_gate)
        {
            if (!_inline || _contended || _stopping || _idleCount == 0 || _queue.Head is not null)
            {
                return false;
            }

            borrowed = _idle[--_idleCount];
            Interlocked.Increment(ref _inFlight);
        }

        RunBorrowed(borrowed, request);
        return true;
    }

    /// <summary>
    /// Stops admitting, lets the workers finish everything already queued, and waits for them (up to
    /// <paramref name="timeout"/>). Requests still queued after that are answered Unavailable.
    /// </summary>
    public void Stop(TimeSpan timeout)
    {
        Worker[] parked;
        lock (_gate)
        {
            _stopping = true;
            parked = _idle[.._idleCount];
            _idleCount = 0;
            Monitor.PulseAll(_gate);
        }

        foreach (Worker worker in parked)
        {
            worker.Wake.Set();
        }

        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        foreach (Worker worker in _workers)
        {
            if (worker.Thread is null)
            {
                continue;
            }

            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            worker.Thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        var abandoned = new List<InferenceRequest>();
        lock (_gate)
        {
            while (_queue.Head is { } request)
            {
                _queue.Remove(request);
                abandoned.Add(request);
            }
        }

        foreach (InferenceRequest request in abandoned)
        {
            Finish(request, ErrorCode.Unavailable, "The server is shutting down.");
        }
    }

    /// <summary>Runs every executor once on inputs of size 1 in every symbolic dimension, filled with zeros (empty strings).</summary>
    public void WarmUp()
    {
        foreach (Worker worker in _workers)
        {
            IModelExecutor executor = worker.Executor;
            foreach (ServingTensor input in _signature.Inputs)
            {
                var shape = new long[input.Rank];
                long elements = 1;
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = input.Dims[d].IsFixed ? input.Dims[d].Value : 1;
                    elements *= shape[d];
                }

                if (input.IsString)
                {
                    executor.SetStringInput(input.Index, new string[elements], shape);
                }
                else
                {
                    executor.GetInputBytes(input.Index, shape).Clear();
                }
            }

            executor.Run();
        }
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        foreach (Worker worker in _workers)
        {
            worker.Executor.Dispose();
            worker.Wake.Dispose();
        }
    }

    /// <summary>Runs <paramref name="request"/> alone with a borrowed worker's state, then gives the worker back.</summary>
    private void RunBorrowed(Worker worker, InferenceRequest request)
    {
        try
        {
            long now = Stopwatch.GetTimestamp();
            request.EnqueuedAt = now;
            if (request.DeadlineAt != 0 && now > request.DeadlineAt)
            {
                Finish(request, ErrorCode.DeadlineExceeded, "The request's deadline passed before it could start.");
            }
            else
            {
                worker.Batch.Add(request);
                Execute(worker, request.Rows);
            }
        }
        finally
        {
            worker.Batch.Clear();
            GiveBack(worker);
        }
    }

    /// <summary>Returns a lent worker: it takes the requests that queued up meanwhile, or parks again (it never woke).</summary>
    private void GiveBack(Worker worker)
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

    private void WorkerLoop(Worker worker)
    {
        List<InferenceRequest> batch = worker.Batch;
        List<(InferenceRequest Request, RequestOutcome Outcome)> dropped = worker.Dropped;
        while (true)
        {
            long rows = 0;
            bool park = false;
            Worker? wake = null;
            lock (_gate)
            {
                InferenceRequest? seed = TakeSeed(dropped);
                if (seed is not null)
                {
                    batch.Add(seed);
                    rows = seed.Rows;
                    if (_signature.IsBatchable && !_batchingBroken)
                    {
                        rows = Gather(seed, batch, rows, dropped);
                        if (_maxDelayTicks > 0)
                        {
                            rows = WaitForMore(seed, batch, rows, dropped);
                        }
                    }

                    _contended = batch.Count > 1 || _queue.Head is not null;

                    // More work than this batch: hand it to a parked worker rather than leaving it to wait for us.
                    if (_queue.Head is not null && _idleCount > 0)
                    {
                        wake = _idle[--_idleCount];
                    }
                }
                else if (dropped.Count == 0)
                {
                    if (_stopping)
                    {
                        return; // stopping and drained
                    }

                    _idle[_idleCount++] = worker;
                    park = true;
                }
            }

            wake?.Wake.Set();
            foreach ((InferenceRequest request, RequestOutcome outcome) in dropped)
            {
                if (outcome == RequestOutcome.Cancelled)
                {
                    Finish(request, ErrorCode.Cancelled, "The client cancelled the request.");
                }
                else
                {
                    Finish(request, ErrorCode.DeadlineExceeded, "The request's deadline passed while it was queued.");
                }
            }

            dropped.Clear();
            if (batch.Count > 0)
            {
                Execute(worker, rows);
                batch.Clear();
            }

            if (park)
            {
                // Until whoever pops this worker off the idle stack sets the event. ManualResetEventSlim spins
                // briefly before blocking, which catches requests that arrive right after a batch.
                worker.Wake.Wait();
                worker.Wake.Reset();
            }
        }
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
    private long WaitForMore(InferenceRequest seed, List<InferenceRequest> batch, long rows, List<(InferenceRequest, RequestOutcome)> dropped)
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
            rows = Gather(seed, batch, rows, dropped);
        }

        return rows;
    }

    /// <summary>Moves queued requests compatible with <paramref name="seed"/> into the batch while rows fit.</summary>
    private long Gather(InferenceRequest seed, List<InferenceRequest> batch, long rows, List<(InferenceRequest, RequestOutcome)> dropped)
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
            else if (rows + candidate.Rows <= _options.MaxBatchRows && BatchPlan.AreCompatible(_signature, seed, candidate, _options.PadSequences))
            {
                _queue.Remove(candidate);
                batch.Add(candidate);
                rows += candidate.Rows;
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

    private void Execute(Worker worker, long rows)
    {
        IModelExecutor executor = worker.Executor;
        List<InferenceRequest> batch = worker.Batch;
        long started = Stopwatch.GetTimestamp();
        foreach (InferenceRequest request in batch)
        {
            request.QueueTicks = started - request.EnqueuedAt;
            _metrics.QueueDuration.ObserveTicks(request.QueueTicks);
        }

        try
        {
            worker.Plan.FillInputs(executor, batch, rows);
            executor.Run();
        }
        catch (Exception ex)
        {
            // Requests were validated before queueing, so an input error here is still the client's; anything
            // else is ONNX Runtime failing, reported with its message (HTTP 500).
            ErrorCode code = ex is ModelInputException ? ErrorCode.BadRequest : ErrorCode.InternalError;
            foreach (InferenceRequest request in batch)
            {
                Finish(request, code, $"Model '{_name}' failed: {ex.Message}");
            }

            return;
        }

        long computeTicks = Stopwatch.GetTimestamp() - started;
        _metrics.ComputeDuration.ObserveTicks(computeTicks);
        _metrics.BatchSize.Observe(rows);

        if (batch.Count > 1 && !worker.Plan.OutputsHaveRows(executor, rows))
        {
            // The model's dimension 0 is not a batch dimension after all: serve these one by one, and stop batching.
            _batchingBroken = true;
            InferenceRequest[] requests = [.. batch];
            foreach (InferenceRequest request in requests)
            {
                batch.Clear();
                batch.Add(request);
                Execute(worker, request.Rows);
            }

            return;
        }

        long rowOffset = 0;
        foreach (InferenceRequest request in batch)
        {
            request.ComputeTicks = computeTicks;
            try
            {
                request.OnCompleted(new InferenceResult(executor, request, rowOffset));
            }
            catch (Exception)
            {
                // A responder failing (a closed socket, a bug) must not take the worker down; it owns its request.
            }

            Interlocked.Decrement(ref _inFlight);
            rowOffset += request.Rows;
        }
    }

    private void Finish(InferenceRequest request, ErrorCode code, string message)
    {
        try
        {
            request.OnFailed(code, message);
        }
        catch (Exception)
        {
            // See Execute: a responder failure must not kill the worker.
        }

        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>
    /// One worker's state: its executor and the scratch it forms batches with. Owned by its thread, or — while it
    /// is lent for a lone request — by the borrower; never by both (ownership changes hands under the lock).
    /// </summary>
    private sealed class Worker(IModelExecutor executor, ServingSignature signature, BatcherOptions options)
    {
        public IModelExecutor Executor { get; } = executor;

        public BatchPlan Plan { get; } = new(signature, options.PadSequences);

        public List<InferenceRequest> Batch { get; } = new(Math.Max(1, options.MaxBatchRows));

        public List<(InferenceRequest Request, RequestOutcome Outcome)> Dropped { get; } = [];

        /// <summary>Set by whoever pops this worker off the idle stack to hand it work.</summary>
        public ManualResetEventSlim Wake { get; } = new(initialState: false, spinCount: options.SpinCount);

        public Thread? Thread { get; set; }
    }
}
