using System.Diagnostics;
using Aot.Protocol;
using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// One inference request on its way through a model's <see cref="DynamicBatcher"/>. Its life: a transport rents it
/// from its pool and parses into <see cref="Inputs"/>; <see cref="DynamicBatcher.Submit"/> validates, runs and hands
/// it its slice of the outputs through <see cref="OnCompleted"/> (or a failure through <see cref="OnFailed"/>); the
/// transport writes the answer in its own format and calls <see cref="Release"/>, the one place a request's outcome
/// and duration are recorded, which returns it to its pool. Subclasses (one per protocol) decide what to do with the
/// result: write it to a socket at once, or copy it and wake an awaiting HTTP handler.
/// </summary>
internal abstract class InferenceRequest
{
    private readonly ModelMetrics _metrics;

    protected InferenceRequest(ServingSignature signature, ModelMetrics metrics)
    {
        Signature = signature;
        _metrics = metrics;
        Inputs = [.. signature.Inputs.Select(static i => new TensorBuffer(i.Rank))];
        SelectedOutputs = new bool[signature.Outputs.Length];
    }

    public ServingSignature Signature { get; }

    /// <summary>One tensor per model input, in model order.</summary>
    public TensorBuffer[] Inputs { get; }

    /// <summary>Which outputs the client asked for (all when it named none).</summary>
    public bool[] SelectedOutputs { get; }

    /// <summary>Its <see cref="Batching.PaddedLength"/>, set when it is submitted to a padding model (0 otherwise).</summary>
    public long PaddedLength { get; internal set; }

    /// <summary>
    /// Tokens of real content in its <see cref="PaddedLength"/> × <see cref="Rows"/> positions, for the padding metric:
    /// all of them for a tensor request (the batcher cannot see padding its client did); a text request knows its rows'
    /// own lengths.
    /// </summary>
    public virtual long RealTokens => Rows * PaddedLength;

    /// <summary>Rows along dimension 0 (1 for models that are not batched).</summary>
    public long Rows => Signature.IsBatchable ? Inputs[0].Shape[0] : 1;

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp when the request was received.</summary>
    public long ReceivedAt { get; set; }

    /// <summary>Stopwatch timestamp after which the request must not start; 0 for none.</summary>
    public long DeadlineAt { get; set; }

    /// <summary>Stopwatch timestamp when the request entered the queue (set by the batcher).</summary>
    public long EnqueuedAt { get; internal set; }

    /// <summary>Stopwatch ticks spent queued, and running (set by the batcher for metrics).</summary>
    public long QueueTicks { get; internal set; }

    /// <summary>Stopwatch ticks of the batch run that served this request.</summary>
    public long ComputeTicks { get; internal set; }

    /// <summary>True when nobody waits for the answer any more (client disconnected or cancelled).</summary>
    public abstract bool IsAbandoned { get; }

    // Intrusive links of the batcher's queue: queueing and removal from the middle allocate nothing.
    internal InferenceRequest? QueueNext;
    internal InferenceRequest? QueuePrevious;

    /// <summary>Whether some input's bytes are still a view of the transport's receive buffer.</summary>
    public bool HasBorrowedInputs
    {
        get
        {
            foreach (TensorBuffer input in Inputs)
            {
                if (input.IsBorrowed)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Copies inputs borrowed from a receive buffer into the request's own buffers (before it is queued).</summary>
    public void MaterializeInputs()
    {
        foreach (TensorBuffer input in Inputs)
        {
            input.Materialize();
        }
    }

    /// <summary>Marks every output selected.</summary>
    public void SelectAllOutputs() => Array.Fill(SelectedOutputs, true);

    /// <summary>Called on the worker thread with this request's outputs; they are valid only during the call.</summary>
    public abstract void OnCompleted(in InferenceResult result);

    /// <summary>Called when the request failed, expired, was refused or was dropped.</summary>
    public abstract void OnFailed(ErrorCode code, string message);

    /// <summary>
    /// Ends the request's life once its answer is written (or it was dropped): records its outcome and its time from
    /// receipt, then <see cref="Recycle"/>s it.
    /// </summary>
    public void Release(RequestOutcome outcome)
    {
        _metrics.Record(outcome);
        _metrics.Record(Protocol);
        _metrics.RequestDuration.ObserveTicks(Stopwatch.GetTimestamp() - ReceivedAt);
        Recycle();
    }

    /// <summary>
    /// Ends the life of a further part of a request that was split into several runs (a text request's length groups):
    /// returns it to its pool without recording anything, since the request's first part carries its outcome.
    /// </summary>
    public void ReleasePart() => Recycle();

    /// <summary>The transport the request came by (the <c>protocol</c> label of its metrics); HTTP unless a transport says otherwise.</summary>
    protected virtual RequestProtocol Protocol => RequestProtocol.Http;

    /// <summary>Clears the transport's state (after <see cref="ResetState"/>) and returns the object to its pool.</summary>
    protected abstract void Recycle();

    /// <summary>
    /// Input bytes a pooled request keeps between uses, per input; bigger buffers go back to the GC. 4 MiB by default;
    /// kinds of request with small typical inputs keep less, so a burst of large ones does not stay resident in the pool.
    /// </summary>
    protected virtual int KeepInputBytes => 4 << 20;

    /// <summary>Clears per-request state before the object is reused.</summary>
    protected void ResetState()
    {
        int keep = KeepInputBytes;
        foreach (TensorBuffer input in Inputs)
        {
            input.Reset(keep);
        }

        Array.Clear(SelectedOutputs);
        ReceivedAt = DeadlineAt = EnqueuedAt = QueueTicks = ComputeTicks = PaddedLength = 0;
        QueueNext = QueuePrevious = null;
    }
}
