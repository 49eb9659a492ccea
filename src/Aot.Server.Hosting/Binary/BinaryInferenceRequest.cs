using Aot.Protocol;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Binary;

/// <summary>
/// An inference request that arrived in a binary frame. Its answer is written by whoever answers it (the batch worker,
/// or the read loop for a request refused at once) straight from the runner's output buffers into the connection's
/// output; then the object is released back to its pool.
/// </summary>
internal sealed class BinaryInferenceRequest(ServedModel model, ObjectPool<BinaryInferenceRequest> pool) : InferenceRequest(model.Signature, model.Metrics)
{
    private ConnectionOutput? _output;
    private ConnectionRequests? _requests;

    public ServedModel Model { get; } = model;

    public ulong RequestId { get; private set; }

    protected override RequestProtocol Protocol => RequestProtocol.Binary;

    public override bool IsAbandoned => _requests?.IsClientGone ?? true;

    public void Begin(ConnectionOutput output, ConnectionRequests requests, ulong requestId, long receivedAt)
    {
        _output = output;
        _requests = requests;
        RequestId = requestId;
        ReceivedAt = receivedAt;
    }

    public override void OnCompleted(in InferenceResult result)
    {
        ConnectionOutput output = _output!;
        bool written;
        lock (output.Gate)
        {
            written = output.IsClosed || ResponseFrames.TryWriteInferResponse(output.Writer, RequestId, this, result);
            if (!written)
            {
                ResponseFrames.WriteError(output.Writer, RequestId, ErrorCode.InternalError, "The response is larger than the 4 GiB frame limit.");
            }

            output.FlushLocked();
        }

        Release(written ? RequestOutcome.Success : RequestOutcome.Error);
    }

    public override void OnFailed(ErrorCode code, string message)
    {
        ConnectionOutput output = _output!;
        lock (output.Gate)
        {
            if (!output.IsClosed)
            {
                ResponseFrames.WriteError(output.Writer, RequestId, code, message);
                output.FlushLocked();
            }
        }

        Release(RequestOutcomes.FromCode(code));
    }

    /// <summary>Tells the connection one fewer request is in flight and returns to the pool (after the outcome was recorded).</summary>
    protected override void Recycle()
    {
        ConnectionRequests requests = _requests!;
        _output = null;
        _requests = null;
        ResetState();
        pool.Return(this);
        requests.Finished();
        Model.EndLease(); // taken when the frame's model was looked up (InferFrameReader.ReadModel)
    }
}
