using Aot.Embeddings.Pooling;
using Aot.Embeddings.Tokenization;
using Aot.Runtime;

namespace Aot.Embeddings;

/// <summary>How an <see cref="EmbeddingModel"/> is loaded and run.</summary>
public sealed record class EmbeddingModelOptions
{
    /// <summary>The <c>vocab.txt</c>; null means the file <c>vocab.txt</c> next to the model.</summary>
    public string? VocabularyPath { get; init; }

    /// <summary>Tokenizer options (uncased BERT by default).</summary>
    public BertTokenizerOptions Tokenizer { get; init; } = BertTokenizerOptions.Uncased;

    /// <summary>Runtime options for the ONNX session (device, threads, ...).</summary>
    public ModelOptions? Runtime { get; init; }

    /// <summary>Mean (default) or CLS pooling.</summary>
    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;

    /// <summary>
    /// Most tokens per text, <c>[CLS]</c> and <c>[SEP]</c> included. 512 is BERT's position-embedding count and
    /// TEI's limit for these models (sentence-transformers' own config for all-MiniLM-L6-v2 says 256).
    /// </summary>
    public int MaxSequenceLength { get; init; } = 512;

    /// <summary>The hidden-state output; null picks <c>last_hidden_state</c>, else the first rank-3 float output.</summary>
    public string? OutputName { get; init; }

    /// <summary>Idle runners <see cref="EmbeddingModel"/> keeps for its thread-safe methods.</summary>
    public int MaxIdleRunners { get; init; } = Environment.ProcessorCount;
}
