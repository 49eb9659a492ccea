using Aot.Embeddings.Tokenization;
using Aot.Protocol;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Embeddings;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Classification;

/// <summary>
/// A served sequence classifier's text side (<c>/predict</c>, <c>/rerank</c>): a BERT-style model whose output is
/// <c>[batch, labels]</c> logits rather than a hidden state, its tokenizer and label names, and pooled requests that
/// run on the model's own batcher.
/// </summary>
internal sealed class ClassifierEndpoint
{
    private ClassifierEndpoint(ServedModel model, BertTokenizer tokenizer, EmbeddingSource source, int ids, int mask, int types, int output, string[] labels, int maxLength)
    {
        Served = model;
        Tokenizer = tokenizer;
        Source = source;
        InputIdsIndex = ids;
        AttentionMaskIndex = mask;
        TokenTypeIdsIndex = types;
        OutputIndex = output;
        Labels = labels;
        MaxSequenceLength = maxLength;
        ComputeType = model.Model.Device.ToString().ToLowerInvariant();
        Requests = RequestPools.Create(() => new ClassifierInferenceRequest(this), capacity: 256);
    }

    public ServedModel Served { get; }

    public BertTokenizer Tokenizer { get; }

    public EmbeddingSource Source { get; }

    public int InputIdsIndex { get; }

    public int AttentionMaskIndex { get; }

    /// <summary>Position of <c>token_type_ids</c>, or -1 when the model takes none.</summary>
    public int TokenTypeIdsIndex { get; }

    public int OutputIndex { get; }

    /// <summary>Label names by id (<c>config.json</c>'s <c>id2label</c>, else <c>LABEL_i</c>).</summary>
    public string[] Labels { get; }

    public int MaxSequenceLength { get; }

    public string ComputeType { get; }

    public ObjectPool<ClassifierInferenceRequest> Requests { get; }

    /// <summary>
    /// Whether <paramref name="model"/> is a sequence classifier: Int64 <c>input_ids</c> and <c>attention_mask</c> (and
    /// optionally <c>token_type_ids</c>) <c>[batch, sequence]</c>, and one Float output of rank 2 with a fixed label count.
    /// A <c>[batch, sequence, hidden]</c> output makes it an encoder (embeddings) instead.
    /// </summary>
    public static bool IsClassifier(OnnxModel model)
    {
        ModelMetadata metadata = model.Metadata;
        if (metadata.FindInput("input_ids") is null || metadata.FindInput("attention_mask") is null || metadata.Outputs.Count != 1)
        {
            return false;
        }

        TensorInfo output = metadata.Outputs[0];
        return output.Rank == 2 && output.ElementType == ElementType.Float && output.Shape[1].IsFixed;
    }

    /// <summary>Loads the vocabulary and labels of a model <see cref="IsClassifier"/> accepted. Throws naming what does not fit.</summary>
    public static ClassifierEndpoint Create(ServedModel served, string modelPath, EmbeddingSource source)
    {
        ModelMetadata metadata = served.Model.Metadata;
        int ids = metadata.GetInputIndex("input_ids");
        int mask = metadata.GetInputIndex("attention_mask");
        int types = metadata.FindInput("token_type_ids")?.Index ?? -1;
        foreach (TensorInfo input in metadata.Inputs)
        {
            if (input.Index != ids && input.Index != mask && input.Index != types)
                throw new ModelInputException(input.Name, $"Input '{input.Name}' is not one a text classifier takes (input_ids, attention_mask, token_type_ids).");
            if (input.ElementType != ElementType.Int64 || input.Rank != 2)
                throw new ModelInputException(input.Name, $"Input '{input.Name}' is {input.ElementType} {input.ShapeText}; a text classifier takes Int64 [batch, sequence].");
        }

        Dimension sequence = metadata.Inputs[ids].Shape[1];
        if (sequence.IsFixed)
            throw new ArgumentException($"Input 'input_ids' has a fixed sequence length ({sequence.Value}); classifiers are served with a symbolic one.");
        int labels = checked((int)metadata.Outputs[0].Shape[1].Value);
        BertTokenizer tokenizer = BertTokenizer.FromVocabularyFile(source.VocabularyPath);
        return new ClassifierEndpoint(served, tokenizer, source, ids, mask, types, 0, ClassifierLabels.Read(modelPath, labels), source.MaxInputLength);
    }
}
