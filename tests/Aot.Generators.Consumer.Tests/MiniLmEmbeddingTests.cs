using Aot.Embeddings;
using Aot.Embeddings.Tests;
using Aot.Embeddings.Tokenization;
using Aot.Models;

namespace Aot.Generators.Consumer.Tests;

/// <summary>
/// The typed SDK's embedding helper: a <see cref="FixedLengthEmbedder"/> over the generated MiniLM class's runner gives
/// the reference vectors (SentenceTransformers package, cosine ≥ 0.9999) and allocates nothing in steady state.
/// </summary>
public sealed class MiniLmEmbeddingTests
{
    private static BertTokenizer Tokenizer => BertTokenizer.FromVocabularyFile(ModelStore.GetPath("minilm", "vocab.txt"));

    [Fact]
    public void Vectors_over_the_generated_class_equal_the_reference()
    {
        using var typed = new MiniLm(ModelStore.GetPath("minilm"));
        using var embedder = new FixedLengthEmbedder(typed.Runner, Tokenizer, sequenceLength: 64);
        Span<float> vector = stackalloc float[embedder.HiddenSize];
        foreach (ReferenceSentence sentence in ReferenceData.Load("minilm").Sentences.Where(s => s.BertIds.Length <= 64))
        {
            int tokens = embedder.Embed(sentence.Text, vector);
            Assert.Equal(sentence.BertIds.Length, tokens);
            VectorAssert.Close(sentence.BertVector, vector, sentence.ToString());
        }
    }

    [Fact]
    public void Steady_state_embedding_over_the_generated_class_allocates_nothing()
    {
        using var typed = new MiniLm(ModelStore.GetPath("minilm"), new Aot.Runtime.ModelOptions { IntraOpThreads = 1 });
        using var embedder = new FixedLengthEmbedder(typed.Runner, Tokenizer, sequenceLength: 32);
        string[] texts = ["hello world", "Café naïve résumé", "how do I reset my password", "Tokyo 東京 is big"];
        Span<float> vector = stackalloc float[embedder.HiddenSize];
        foreach (string text in texts)
            embedder.Embed(text, vector);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 40; i++)
            embedder.Embed(texts[i % texts.Length], vector[..128], normalize: i % 2 == 0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
