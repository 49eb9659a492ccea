using Aot.Embeddings;
using Aot.Embeddings.Protocol;
using Aot.Embeddings.Tokenization;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Embeddings;

/// <summary>
/// A served model's text side: tokenizer, pooling and the TEI/OpenAI request handling of <see cref="EmbeddingService"/>,
/// with pooled requests that run on the model's own batcher (so text and tensor requests share batches and workers).
/// </summary>
internal sealed class EmbeddingEndpoint : IDisposable
{
    public EmbeddingEndpoint(ServedModel model, EmbeddingModel embeddingModel, EmbeddingSource source)
    {
        Served = model;
        Model = embeddingModel;
        Source = source;
        Dimension sequence = embeddingModel.OnnxModel.Metadata.Inputs[embeddingModel.Signature.InputIdsIndex].Shape[1];
        FixedSequenceLength = sequence.IsFixed ? checked((int)sequence.Value) : 0;
        ComputeType = model.Model.Device.ToString().ToLowerInvariant();
        Service = new EmbeddingService(embeddingModel, source.Service with { ModelName = model.Name });
        Requests = RequestPools.Create(() => new EmbeddingInferenceRequest(this), capacity: 256);
    }

    public ServedModel Served { get; }

    public EmbeddingModel Model { get; }

    public EmbeddingSource Source { get; }

    public EmbeddingService Service { get; }

    /// <summary>The model's sequence length when its input declares a fixed one (rows are padded to it); 0 when symbolic.</summary>
    public int FixedSequenceLength { get; }

    public ObjectPool<EmbeddingInferenceRequest> Requests { get; }

    /// <summary>Most padded tokens one batch holds (TEI's <c>max_batch_tokens</c>): <c>--max-batch-tokens</c>, else rows × the longest text.</summary>
    public long MaxBatchTokens => Served.Batcher.Options.MaxBatchTokens is > 0 and long tokens
        ? tokens
        : (long)Served.Batcher.Options.MaxBatchRows * Model.MaxSequenceLength;

    /// <summary>
    /// Plans a job's encoder runs: its texts sorted by length into <paramref name="order"/>, cut into runs of similar
    /// length within the batcher's row and token budgets (<see cref="LengthGroups"/>); returns each run's end in it.
    /// </summary>
    public int[] PlanRuns(EmbeddingJob job, out int[] order)
    {
        var lengths = new int[job.Rows.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = FixedSequenceLength > 0 ? FixedSequenceLength : job.Rows[i].Length;
        }

        BatcherOptions options = Served.Batcher.Options;
        return LengthGroups.Plan(lengths, options.MaxBatchRows, MaxBatchTokens, LengthGroups.DefaultRunOverheadTokens, out order);
    }

    /// <summary>TEI's <c>x-compute-type</c>: the device the model runs on.</summary>
    public string ComputeType { get; }

    /// <summary>
    /// Checks that <paramref name="model"/> is an encoder the endpoints can drive — Int64 <c>input_ids</c>,
    /// <c>attention_mask</c> (and optionally <c>token_type_ids</c>) <c>[batch, sequence]</c> and nothing else, a Float
    /// <c>[batch, sequence, hidden]</c> output — and loads the vocabulary. Throws naming what does not fit.
    /// </summary>
    public static EmbeddingModel Prepare(OnnxModel model, EmbeddingSource source)
    {
        BertSignature signature = BertSignature.Of(model, outputName: null);
        ModelMetadata metadata = model.Metadata;
        foreach (TensorInfo input in metadata.Inputs)
        {
            if (input.Index != signature.InputIdsIndex && input.Index != signature.AttentionMaskIndex && input.Index != signature.TokenTypeIdsIndex)
            {
                throw new ModelInputException(input.Name, $"Input '{input.Name}' is not one a text encoder takes (input_ids, attention_mask, token_type_ids).");
            }
        }

        Dimension sequence = metadata.Inputs[signature.InputIdsIndex].Shape[1];
        int maxLength = sequence.IsFixed ? (int)Math.Min(sequence.Value, source.MaxInputLength) : source.MaxInputLength;
        BertTokenizer tokenizer = BertTokenizer.FromVocabularyFile(source.VocabularyPath);
        var options = new EmbeddingModelOptions { Pooling = source.Pooling, MaxSequenceLength = maxLength, MaxIdleRunners = 0 };
        return EmbeddingModel.Create(model, tokenizer, options, ownsModel: false);
    }

    public void Dispose() => Model.Dispose();
}
