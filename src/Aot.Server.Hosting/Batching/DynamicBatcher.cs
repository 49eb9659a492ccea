using System.Diagnostics;
using Aot.Protocol;
using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// A model's request lifecycle after its transport parsed it: <see cref="Submit"/> validates it, runs it inline on an
/// idle model or queues it (refusing at once when the queue is full), worker threads batch and run it
/// (<see cref="BatchScheduler"/>, <see cref="BatchExecution"/>), and the request gets its answer through
/// <see cref="InferenceRequest.OnCompleted"/> or <see cref="InferenceRequest.OnFailed"/>; its transport then writes it
/// and calls <see cref="InferenceRequest.Release"/>, which records the request's metrics. Transports only parse and
/// write: every protocol's request goes through this one path.
/// </summary>
/// <remarks>
/// Workers are dedicated threads rather than tasks reading a Channel: a batch run is synchronous, CPU-bound native
/// code, and a monitor gives a timed wait for the batching delay, FIFO hand-off and zero allocation per request
/// without sync-over-async.
/// </remarks>
internal sealed class DynamicBatcher : IDisposable
{
    private readonly ServingSignature _signature;
    private readonly IModelAdapter _adapter;
    private readonly BatcherOptions _options;
    private readonly BatchWorker[] _workers;
    private readonly BatchScheduler _scheduler;
    private readonly BatchExecution _execution;
    private readonly string _name;
    private readonly ModelMetrics _metrics;
    private readonly object _startGate = new();
    private bool _started;

    public DynamicBatcher(string name, ServingSignature signature, IModelAdapter adapter, BatcherOptions options, ModelMetrics metrics)
    {
        _name = name;
        _metrics = metrics;
        _signature = signature;
        _adapter = adapter;
        _options = options;
        _workers = new BatchWorker[Math.Max(1, options.Workers)];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new BatchWorker(adapter.CreateExecutor(), signature, options);
        }

        _scheduler = new BatchScheduler(signature, options, _workers.Length);
        _execution = new BatchExecution(name, metrics, _scheduler);
        metrics.QueueDepth = () => _scheduler.QueueDepth;
        metrics.InFlight = () => _execution.InFlight;
    }

    /// <summary>Requests waiting for a worker.</summary>
    public int QueueDepth => _scheduler.QueueDepth;

    /// <summary>Requests admitted and not yet answered.</summary>
    public int InFlight => _execution.InFlight;

    public BatcherOptions Options => _options;

    /// <summary>How this model's requests are checked and its batches laid out (general, or generated for a compiled-in model).</summary>
    public IModelAdapter Adapter => _adapter;

    /// <summary>Whether a worker is parked (idle) right now.</summary>
    public bool HasIdleWorker => _scheduler.HasIdleWorker;

    /// <summary>Whether lone requests may run inline at all (no batching delay, option on).</summary>
    public bool RunsLoneRequestsInline => _scheduler.RunsLoneRequestsInline;

    /// <summary>Starts the worker threads.</summary>
    public void Start()
    {
        lock (_startGate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
        }

        for (int i = 0; i < _workers.Length; i++)
        {
            BatchWorker worker = _workers[i];
            worker.Thread = new Thread(() => WorkerLoop(worker))
            {
                IsBackground = true,
                Name = $"aot-batch-{_name}-{i}",
            };
            worker.Thread.Start();
        }
    }

    /// <summary>
    /// Takes a parsed request through its lifecycle: validate (a compiled-in model's generated check first, then the
    /// general one), run at once on the calling thread when <paramref name="mayRunInline"/> and the model is idle, else
    /// queue it. Every outcome reaches the request through <see cref="InferenceRequest.OnCompleted"/> /
    /// <see cref="InferenceRequest.OnFailed"/>: before this returns when it was invalid, refused (queue full, shutting
    /// down) or run inline; later, on a worker thread, when queued. Inputs borrowed from a receive buffer are copied
    /// into the request's own buffers before it is queued.
    /// </summary>
    /// <returns>How the request was dealt with (transports need not look: the request gets its answer either way).</returns>
    public SubmitResult Submit(InferenceRequest request, bool mayRunInline)
    {
        try
        {
            Validate(request.Inputs);
        }
        catch (InferenceException ex)
        {
            request.OnFailed(ex.Code, ex.Message);
            return SubmitResult.Refused;
        }

        // Batch forming and the token metrics both need it: measured once, from the validated shapes.
        request.PaddedLength = _options.PadSequences ? PaddedLength.Of(_signature, request) : 0;

        if (request.HasBorrowedInputs)
        {
            // Borrowed bytes may only be read while the caller's buffer lives: inline now, or copied before queueing.
            if (mayRunInline && _scheduler.TryBorrow() is { } lent)
            {
                _execution.Admitted();
                _execution.RunBorrowed(lent, request);
                return SubmitResult.Completed;
            }

            request.MaterializeInputs();
            mayRunInline = false;
        }

        _execution.Admitted();
        if (!_scheduler.TryAdmit(request, mayRunInline, out BatchWorker? borrowed, out ErrorCode refusal))
        {
            _execution.Refused();
            request.OnFailed(refusal, refusal == ErrorCode.Overloaded
                ? $"Model '{_name}' is overloaded: its queue is full (--max-queue {_options.MaxQueue})."
                : "The server is shutting down.");
            return SubmitResult.Refused;
        }

        if (borrowed is null)
        {
            return SubmitResult.Queued;
        }

        _execution.RunBorrowed(borrowed, request);
        return SubmitResult.Completed;
    }

    /// <summary>Checks a request's inputs: the adapter's fast check (generated code) first, then the general one, which names the problem.</summary>
    /// <exception cref="InferenceException">The request does not fit the model (400).</exception>
    public void Validate(TensorBuffer[] inputs)
    {
        if (!_adapter.TryValidate(inputs))
        {
            _signature.Validate(inputs);
        }
    }

    /// <summary>
    /// Stops admitting, lets the workers finish everything already queued, and waits for them (up to
    /// <paramref name="timeout"/>). Requests still queued after that are answered Unavailable.
    /// </summary>
    public void Stop(TimeSpan timeout)
    {
        foreach (BatchWorker worker in _scheduler.Stop())
        {
            worker.Wake.Set();
        }

        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        foreach (BatchWorker worker in _workers)
        {
            if (worker.Thread is null)
            {
                continue;
            }

            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            worker.Thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        foreach (InferenceRequest request in _scheduler.TakeAbandoned())
        {
            _execution.Fail(request, ErrorCode.Unavailable, "The server is shutting down.");
        }
    }

    /// <summary>
    /// Runs every executor on zeros (empty strings) at the smallest and the largest batch it will run — 1 row, then
    /// <see cref="BatcherOptions.MaxBatchRows"/> rows of a batchable model — with size 1 in every other symbolic
    /// dimension, so the first requests find sessions, buffers and kernels for both ends already set up.
    /// </summary>
    /// <exception cref="Exception">A run failed (the caller does not serve the model).</exception>
    public void WarmUp()
    {
        foreach (BatchWorker worker in _workers)
        {
            FillSmallestInputs(worker.Executor);
            worker.Executor.Run();
            if (_signature.IsBatchable && _options.MaxBatchRows > 1)
            {
                FillSmallestInputs(worker.Executor, _options.MaxBatchRows);
                worker.Executor.Run();
            }
        }
    }

    /// <summary>Sets every input to size 1 in each symbolic dimension (dimension 0: <paramref name="rows"/>), zeros (empty strings).</summary>
    private void FillSmallestInputs(IModelExecutor executor, long rows = 1)
    {
        foreach (ServingTensor input in _signature.Inputs)
        {
            var shape = new long[input.Rank];
            long elements = 1;
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = input.Dims[d].IsFixed ? input.Dims[d].Value : d == 0 ? rows : 1;
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
    }

    /// <summary>
    /// A parked worker that ran batches and then saw no work for <see cref="BatcherOptions.ReleaseMemoryAfterIdle"/>
    /// gives back what its runtime's arenas grew to: a run on the smallest input that shrinks them. Only a worker still
    /// on the idle stack does it (it takes itself off first, so nobody lends it meanwhile); one already woken or lent
    /// skips it. A failure only costs the release.
    /// </summary>
    /// <returns>False when the worker was not on the idle stack (woken or lent meanwhile).</returns>
    private bool ReleaseMemoryIfStillIdle(BatchWorker worker)
    {
        if (!_scheduler.TryReclaim(worker))
        {
            return false;
        }

        try
        {
            FillSmallestInputs(worker.Executor);
            worker.Executor.RunAndReleaseMemory();
            worker.HoldsMemory = false;
            _metrics.RecordMemoryRelease();
        }
        catch (Exception ex)
        {
            worker.HoldsMemory = false; // not retried every idle period
            Console.Error.WriteLine($"Model '{_name}': giving back memory after a burst failed: {ex.Message}");
        }
        finally
        {
            _scheduler.GiveBack(worker);
        }

        return true;
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        foreach (BatchWorker worker in _workers)
        {
            worker.Dispose();
        }
    }

    private void WorkerLoop(BatchWorker worker)
    {
        while (true)
        {
            long rows = _scheduler.TakeBatch(worker, out bool park, out bool exit);
            if (exit)
            {
                return; // stopping and drained
            }

            _execution.AnswerDropped(worker);
            if (worker.Batch.Count > 0)
            {
                _execution.Execute(worker, rows);
                worker.Batch.Clear();
            }

            if (park)
            {
                // Until whoever pops this worker off the idle stack sets the event. ManualResetEventSlim spins
                // briefly before blocking, which catches requests that arrive right after a batch. A worker holding a
                // burst's memory waits only until the model has been idle long enough, then gives it back (and parks
                // again, or takes the work queued meanwhile); while lent to inline requests it looks again later.
                TimeSpan release = _options.ReleaseMemoryAfterIdle;
                bool woken = false;
                while (!woken && worker.HoldsMemory && release > TimeSpan.Zero)
                {
                    TimeSpan left = release - Stopwatch.GetElapsedTime(worker.LastRunAt);
                    if (left <= TimeSpan.Zero)
                    {
                        if (ReleaseMemoryIfStillIdle(worker))
                        {
                            break;
                        }

                        left = release;
                    }

                    woken = worker.Wake.Wait(left);
                }

                if (!woken)
                {
                    worker.Wake.Wait();
                }

                worker.Wake.Reset();
            }
        }
    }
}
