using System.Runtime.InteropServices;
using Aot.Embeddings;
using Aot.Embeddings.Protocol;
using Aot.Server.Batching;
using Aot.Server.Http;
using Aot.Protocol;

namespace Aot.Server.Embeddings;

/// <summary>
/// One encoder run's worth of an embedding request on its way through the model's batcher: some of its job's rows
/// (all of them, or one length group of a request split by <see cref="Aot.Embeddings.LengthGroups"/>) become the
/// encoder's inputs (<c>[rows, longest]</c>, padded further by the batcher to the batch's longest), and on the worker
/// thread their rows of the hidden state are pooled straight from the batch output into the job's vectors (no copy of
/// the hidden state). Pooled per model with its response buffer (the first part of a request writes the answer).
/// </summary>
internal sealed class EmbeddingInferenceRequest : TextInferenceRequest
{
    private readonly EmbeddingEndpoint _endpoint;
    private EmbeddingJob? _job;
    private ReadOnlyMemory<int> _rows;
    private long _realTokens;

    public EmbeddingInferenceRequest(EmbeddingEndpoint endpoint) : base(endpoint.Served) => _endpoint = endpoint;

    /// <summary>The job being served.</summary>
    public EmbeddingJob Job => _job ?? throw new InvalidOperationException("No job was set on this request.");

    public override long RealTokens => _realTokens;

    /// <summary>Lays the job's rows given by <paramref name="rows"/> (indices into its rows) out as the encoder's inputs.</summary>
    public void SetJob(EmbeddingJob job, ReadOnlyMemory<int> rows)
    {
        _job = job;
        _rows = rows;
        _realTokens = job.TokensOf(rows.Span);
        BertSignature signature = _endpoint.Model.Signature;
        int count = rows.Length;
        int length = _endpoint.FixedSequenceLength > 0 ? _endpoint.FixedSequenceLength : job.LongestOf(rows.Span);
        Span<long> ids = Input(signature.InputIdsIndex, count, length);
        Span<long> mask = Input(signature.AttentionMaskIndex, count, length);
        job.WriteInputs(rows.Span, ids, mask, length, _endpoint.Model.Tokenizer.PaddingId);
        if (signature.TokenTypeIdsIndex >= 0)
        {
            Input(signature.TokenTypeIdsIndex, count, length).Clear(); // one segment
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

            Job.PoolFrom(_rows.Span, MemoryMarshal.Cast<byte, float>(hidden), checked((int)batchShape[1]), signature.HiddenSize, _endpoint.Model.Pooling);
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
        _rows = default;
        _realTokens = 0;
        _endpoint.Requests.Return(this);
    }
}
