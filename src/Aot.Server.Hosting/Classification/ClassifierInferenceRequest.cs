using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Aot.Protocol;
using Aot.Server.Batching;
using Aot.Server.Http;

namespace Aot.Server.Classification;

/// <summary>
/// A tokenized <c>/predict</c> or <c>/rerank</c> request on its way through the model's batcher: its rows become the
/// classifier's inputs and on the worker thread its rows of the logits are copied into the job. Pooled per model.
/// </summary>
internal sealed class ClassifierInferenceRequest : AwaitedInferenceRequest
{
    private const int KeepBodyBytes = 256 << 10;
    private readonly ClassifierEndpoint _endpoint;
    private ClassificationJob? _job;

    public ClassifierInferenceRequest(ClassifierEndpoint endpoint) : base(endpoint.Served)
    {
        _endpoint = endpoint;
        Json = new Utf8JsonWriter(Body, HttpJson.WriterOptions);
    }

    public ClassificationJob Job => _job ?? throw new InvalidOperationException("No job was set on this request.");

    public ArrayBufferWriter<byte> Body { get; private set; } = new(4096);

    public Utf8JsonWriter Json { get; }

    protected override int KeepInputBytes => 8 * 512 * sizeof(long);

    public void SetJob(ClassificationJob job)
    {
        _job = job;
        int rows = job.Rows;
        int length = job.LongestRow;
        Span<long> ids = Input(_endpoint.InputIdsIndex, rows, length);
        Span<long> mask = Input(_endpoint.AttentionMaskIndex, rows, length);
        Span<long> types = _endpoint.TokenTypeIdsIndex >= 0 ? Input(_endpoint.TokenTypeIdsIndex, rows, length) : default;
        job.WriteInputs(ids, mask, types, length, _endpoint.Tokenizer.PaddingId);
        SelectedOutputs[_endpoint.OutputIndex] = true;
    }

    public override void OnCompleted(in InferenceResult result)
    {
        try
        {
            ReadOnlySpan<byte> logits = result.GetRowsAsBatched(_endpoint.OutputIndex, out ReadOnlySpan<long> shape);
            if (shape.Length != 2 || shape[1] != _endpoint.Labels.Length)
            {
                throw new InvalidOperationException($"the logits came back as {Models.ServingSignature.FormatShape(shape)}; [batch, {_endpoint.Labels.Length}] was expected");
            }

            Job.Logits = MemoryMarshal.Cast<byte, float>(logits).ToArray();
        }
        catch (Exception ex)
        {
            OnFailed(ErrorCode.InternalError, $"Model '{Model.Name}': reading the logits failed: {ex.Message}");
            return;
        }

        Complete();
    }

    protected override void Recycle()
    {
        ResetAwaited();
        _job = null;
        if (Body.Capacity > KeepBodyBytes)
        {
            Body = new ArrayBufferWriter<byte>(4096);
        }

        Body.ResetWrittenCount();
        Json.Reset(Body);
        _endpoint.Requests.Return(this);
    }

    private Span<long> Input(int index, int rows, int length)
    {
        TensorBuffer tensor = Inputs[index];
        tensor.Shape[0] = rows;
        tensor.Shape[1] = length;
        tensor.IsSet = true;
        return MemoryMarshal.Cast<byte, long>(tensor.Allocate(checked(rows * length * sizeof(long))));
    }
}
