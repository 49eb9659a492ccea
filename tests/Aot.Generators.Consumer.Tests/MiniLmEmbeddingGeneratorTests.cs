using Aot.Embeddings.Tests;
using Aot.Embeddings.Tokenization;
using Aot.Extensions.AI;
using Aot.Models;
using Microsoft.Extensions.AI;

namespace Aot.Generators.Consumer.Tests;

/// <summary>
/// The Microsoft.Extensions.AI generator over the generated MiniLM class: the reference vectors (cosine ≥ 0.9999),
/// concurrent calls on the class's one session, and the class's own runner left untouched for its owner.
/// </summary>
public sealed class MiniLmEmbeddingGeneratorTests
{
    [Fact]
    public async Task A_generator_over_the_generated_class_gives_the_reference_vectors()
    {
        using var typed = new MiniLm(ModelStore.GetPath("minilm"));
        BertTokenizer tokenizer = BertTokenizer.FromVocabularyFile(ModelStore.GetPath("minilm", "vocab.txt"));
        using IEmbeddingGenerator<string, Embedding<float>> generator = AotEmbeddingGenerator.Create(typed.Runner, tokenizer, new AotEmbeddingGeneratorOptions { ModelId = "minilm" });
        IReadOnlyList<ReferenceSentence> sentences = ReferenceData.Load("minilm").Sentences;

        GeneratedEmbeddings<Embedding<float>>[] calls = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => Task.Run(() => generator.GenerateAsync(sentences.Select(s => s.Text)))));
        foreach (GeneratedEmbeddings<Embedding<float>> embeddings in calls)
        {
            for (int i = 0; i < sentences.Count; i++)
                VectorAssert.Close(sentences[i].BertVector, embeddings[i].Vector.Span, sentences[i].ToString());
        }

        Assert.Equal("minilm", calls[0][0].ModelId);
        generator.Dispose();

        // Disposing the generator left the class's session and runner to their owner.
        using var embedder = new Aot.Embeddings.FixedLengthEmbedder(typed.Runner, tokenizer, sequenceLength: 16);
        float[] vector = new float[embedder.HiddenSize];
        embedder.Embed("hello world", vector);
        VectorAssert.Close(sentences.Single(s => s.Text == "hello world").BertVector, vector, "typed runner after the generator");
    }
}
