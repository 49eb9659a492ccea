using System.Runtime.InteropServices;
using Aot.Embeddings;
using Aot.Embeddings.Protocol;
using Aot.Server.Batching;
using Aot.Server.Http;
using Aot.Protocol;

namespace Aot.Server.Embeddings;

/// <summary>
/// A tokenized embedding request on its way through the model's batcher: its rows become the encoder's inputs
/// (<c>[rows, longest]</c>, padded further by the batcher to the batch's longest), and on the worker thread its rows of
/// the hidden state are pooled straight from the batch output into the job's vectors (no copy of the hidden state).
/// Pooled per model with its response buffer.
/// </summary>
internal sealed class EmbeddingInferenceRequest : TextInferenceRequest
{
    private readonly EmbeddingEndpoint _endpoint;
    private EmbeddingJob? _job;

    public EmbeddingInferenceRequest(EmbeddingEndpoint endpoint) : base(endpoint.Served) => _endpoint = endpoint;

    /// <summary>The job being served.</summary>
    public EmbeddingJob Job => _job ?? throw new InvalidOperationException("No job was set on this request.");

    /// <summary>Lays the job's rows out as the encoder's inputs.</summary>
    public void SetJob(EmbeddingJob job)
    {
        _job = job;
        BertSignature signature = _endpoint.Model.Signature;
        int rows = job.Rows.Count;
        int length = _endpoint.FixedSequenceLength > 0 ? _endpoint.FixedSequenceLength : job.LongestRow;
        Span<long> ids = Input(signature.InputIdsIndex, rows, length);
        Span<long> mask = Input(signature.AttentionMaskIndex, rows, length);
        job.WriteInputs(ids, mask, length, _endpoint.Model.Tokenizer.PaddingId);
        if (signature.TokenTypeIdsIndex >= 0)
        {
            Input(signature.TokenTypeIdsIndex, rows, length).Clear(); // one segment
        }

        SelectedOutputs[signature.OutputIndex] = true;
    }

    public override void OnCompleted(in InferenceResult result)
    {
        try
        {
            BertSignature signature = _endpoint.Model.Signature;
            ReadOnlySpan<byte> hidden = result.GetRowsAsBatched(signature.OutputIndex, out ReadOnlySpan<long> batchShape);
            if (batchShape.Length != 3 || batchShape[2] != signature.HiddenSize)
            {
                throw new InvalidOperationException($"the hidden state came back as {Models.ServingSignature.FormatShape(batchShape)}; [batch, sequence, {signature.HiddenSize}] was expected");
            }

            Job.PoolFrom(MemoryMarshal.Cast<byte, float>(hidden), checked((int)batchShape[1]), signature.HiddenSize, _endpoint.Model.Pooling);
        }
        catch (Exception ex)
        {
            OnFailed(ErrorCode.InternalError, $"Model '{Model.Name}': pooling failed: {ex.Message}");
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
