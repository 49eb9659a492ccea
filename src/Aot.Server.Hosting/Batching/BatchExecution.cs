using System.Diagnostics;
using Aot.Protocol;
using Aot.Runtime;
using Aot.Server.Metrics;

namespace Aot.Server.Batching;

/// <summary>
/// Runs formed batches and answers their requests: copy every request's bytes once into the batch inputs, run, hand
/// each request its slice of the outputs (or its failure), and record the batch's queue, compute and size metrics.
/// Also counts the requests admitted and not yet answered (the in-flight gauge).
/// </summary>
internal sealed class BatchExecution(string modelName, ModelMetrics metrics, BatchScheduler scheduler)
{
    private int _inFlight;

    /// <summary>Requests admitted and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a request the batcher now owns until it is answered.</summary>
    public void Admitted() => Interlocked.Increment(ref _inFlight);

    /// <summary>Un-counts a request that was counted but refused, so the caller answers it.</summary>
    public void Refused() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Runs <paramref name="request"/> alone with a borrowed worker's state, then gives the worker back.</summary>
    public void RunBorrowed(BatchWorker worker, InferenceRequest request)
    {
        try
        {
            long now = Stopwatch.GetTimestamp();
            request.EnqueuedAt = now;
            if (request.DeadlineAt != 0 && now > request.DeadlineAt)
            {
                Fail(request, ErrorCode.DeadlineExceeded, "The request's deadline passed before it could start.");
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
            scheduler.GiveBack(worker);
        }
    }

    /// <summary>Answers the requests found dead while forming a batch.</summary>
    public void AnswerDropped(BatchWorker worker)
    {
        foreach ((InferenceRequest request, RequestOutcome outcome) in worker.Dropped)
        {
            if (outcome == RequestOutcome.Cancelled)
            {
                Fail(request, ErrorCode.Cancelled, "The client cancelled the request.");
            }
            else
            {
                Fail(request, ErrorCode.DeadlineExceeded, "The request's deadline passed while it was queued.");
            }
        }

        worker.Dropped.Clear();
    }

    /// <summary>Runs the worker's batch of <paramref name="rows"/> rows and answers every request in it.</summary>
    public void Execute(BatchWorker worker, long rows)
    {
        IModelExecutor executor = worker.Executor;
        List<InferenceRequest> batch = worker.Batch;
        long started = Stopwatch.GetTimestamp();
        foreach (InferenceRequest request in batch)
        {
            request.QueueTicks = started - request.EnqueuedAt;
            metrics.QueueDuration.ObserveTicks(request.QueueTicks);
        }

        try
        {
            worker.Plan.FillInputs(executor, batch, rows);
            worker.HoldsMemory = true;
            worker.LastRunAt = started;
            executor.Run();
        }
        catch (Exception ex)
        {
            // Requests were validated before queueing, so an input error here is still the client's; anything
            // else is ONNX Runtime failing, reported with its message (HTTP 500).
            ErrorCode code = ex is ModelInputException ? ErrorCode.BadRequest : ErrorCode.InternalError;
            foreach (InferenceRequest request in batch)
            {
                Fail(request, code, $"Model '{modelName}' failed: {ex.Message}");
            }

            return;
        }

        long computeTicks = Stopwatch.GetTimestamp() - started;
        metrics.ComputeDuration.ObserveTicks(computeTicks);
        metrics.BatchSize.Observe(rows);
        if (scheduler.Padding.TryCount(batch, out long realTokens, out long paddedTokens))
        {
            metrics.RecordTokens(realTokens, paddedTokens);
        }

        if (batch.Count > 1 && !worker.Plan.OutputsHaveRows(executor, rows))
        {
            // The model's dimension 0 is not a batch dimension after all: serve these one by one, and stop batching.
            scheduler.BreakBatching();
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
            // Read before answering: a request may be released inside OnCompleted (the binary protocol's is) and its
            // pooled object rented again at once for another frame, whose rows would then shift the rest of the batch.
            long requestRows = request.Rows;
            try
            {
                request.OnCompleted(new InferenceResult(executor, request, rowOffset));
            }
            catch (Exception)
            {
                // A responder failing (a closed socket, a bug) must not take the worker down; it owns its request.
            }

            Interlocked.Decrement(ref _inFlight);
            rowOffset += requestRows;
        }
    }

    /// <summary>Answers an admitted request with a failure.</summary>
    public void Fail(InferenceRequest request, ErrorCode code, string message)
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
}
