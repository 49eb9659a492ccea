using System.Buffers;
using System.Text.Json;
using System.Threading.Tasks.Sources;
using Aot.Client.Protocol;
using Aot.Server.Batching;
using Aot.Server.Models;

namespace Aot.Server.Http;

/// <summary>
/// An inference request that arrived over HTTP. The batch worker copies this request's outputs into its own
/// buffers and signals the awaiting handler, which then writes JSON on a request thread (never the worker's).
/// Pooled per model together with its response buffer and JSON writer.
/// </summary>
internal sealed class HttpInferenceRequest : InferenceRequest, IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };
    private CancellationToken _aborted;

    public HttpInferenceRequest(ServedModel model) : base(model.Signature)
    {
        Model = model;
        Outputs = [.. model.Signature.Outputs.Select(static o => new TensorBuffer(o.Rank))];
        BinaryOutputs = new bool[model.Signature.Outputs.Length];
        Json = new Utf8JsonWriter(Body, HttpApi.JsonOptions);
    }

    public ServedModel Model { get; }

    /// <summary>The request's outputs, copied from the batch (only the selected ones are filled).</summary>
    public TensorBuffer[] Outputs { get; }

    /// <summary>KServe: outputs to send in the binary tensor data extension instead of JSON.</summary>
    public bool[] BinaryOutputs { get; }

    /// <summary>The response body, reused across requests.</summary>
    public ArrayBufferWriter<byte> Body { get; } = new(4096);

    /// <summary>A JSON writer over <see cref="Body"/>, reused across requests.</summary>
    public Utf8JsonWriter Json { get; }

    public ErrorCode FailureCode { get; private set; }

    public string? FailureMessage { get; private set; }

    public override bool IsAbandoned => _aborted.IsCancellationRequested;

    public void Begin(long receivedAt, CancellationToken aborted)
    {
        ReceivedAt = receivedAt;
        _aborted = aborted;
    }

    /// <summary>Completes when the batcher has answered; true on success.</summary>
    public ValueTask<bool> WaitAsync() => new(this, _completion.Version);

    public override void OnCompleted(in InferenceResult result)
    {
        for (int o = 0; o < Outputs.Length; o++)
        {
            if (!SelectedOutputs[o])
            {
                continue;
            }

            TensorBuffer output = Outputs[o];
            result.GetShape(o, output.Shape);
            result.CopyTo(o, output.Allocate(checked((int)result.GetByteCount(o))));
            output.IsSet = true;
        }

        _completion.SetResult(true);
    }

    public override void OnFailed(ErrorCode code, string message)
    {
        FailureCode = code;
        FailureMessage = message;
        _completion.SetResult(false);
    }

    /// <summary>Prepares the object for the next request.</summary>
    public void Reset()
    {
        ResetState();
        foreach (TensorBuffer output in Outputs)
        {
            output.Reset(keepBytes: 4 << 20);
        }

        Array.Clear(BinaryOutputs);
        FailureCode = default;
        FailureMessage = null;
        _aborted = default;
        Body.ResetWrittenCount();
        Json.Reset(Body);
        _completion.Reset();
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
