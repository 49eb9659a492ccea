using System.Diagnostics;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Protocol;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Binary;

/// <summary>
/// An inference request that arrived in a binary frame. Its answer is written by the batch worker itself,
/// straight from the runner's output buffers into the connection's pipe; then the object returns to its pool.
/// </summary>
internal sealed class BinaryInferenceRequest(ServedModel model, ObjectPool<BinaryInferenceRequest> pool) : InferenceRequest(model.Signature)
{
    private BinaryConnection? _connection;

    public ServedModel Model { get; } = model;

    public ulong RequestId { get; private set; }

    public override bool IsAbandoned => _connection?.IsClosed ?? true;

    public void Begin(BinaryConnection connection, ulong requestId, long receivedAt)
    {
        _connection = connection;
        RequestId = requestId;
        ReceivedAt = receivedAt;
    }

    public override void OnCompleted(in InferenceResult result)
    {
        BinaryConnection connection = _connection!;
        ConnectionOutput output = connection.Output;
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
        BinaryConnection connection = _connection!;
        lock (connection.Output.Gate)
        {
            if (!connection.Output.IsClosed)
            {
                ResponseFrames.WriteError(connection.Output.Writer, RequestId, code, message);
                connection.Output.FlushLocked();
            }
        }

        Release(RequestOutcomes.FromCode(code));
    }

    /// <summary>Records the outcome, tells the connection one fewer request is in flight, and returns to the pool.</summary>
    public void Release(RequestOutcome outcome)
    {
        BinaryConnection connection = _connection!;
        Model.Metrics.Record(outcome);
        Model.Metrics.RequestDuration.ObserveTicks(Stopwatch.GetTimestamp() - ReceivedAt);
        _connection = null;
        ResetState();
        pool.Return(this);
        connection.OnRequestFinished();
    }
}
