using System.Runtime.InteropServices;
using Aot.Protocol;
using Aot.Server.Batching;
using Aot.Server.Http;

namespace Aot.Server.Classification;

/// <summary>
/// A tokenized <c>/predict</c> or <c>/rerank</c> request on its way through the model's batcher: its rows become the
/// classifier's inputs and on the worker thread its rows of the logits are copied into the job. Pooled per model.
/// </summary>
internal sealed class ClassifierInferenceRequest : TextInferenceRequest
{
    private readonly ClassifierEndpoint _endpoint;
    private ClassificationJob? _job;

    public ClassifierInferenceRequest(ClassifierEndpoint endpoint) : base(endpoint.Served) => _endpoint = endpoint;

    public ClassificationJob Job => _job ?? throw new InvalidOperationException("No job was set on this request.");

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
        ResetText();
        _job = null;
        _endpoint.Requests.Return(this);
    }
}
