using Aot.Embeddings.Tests;
using Microsoft.Extensions.AI;

namespace Aot.Extensions.AI.Tests;

/// <summary>
/// Many callers at once on one generator: each gets its own texts' vectors (no runner is shared mid-call), with
/// more callers than runners so some wait for a free one.
/// </summary>
public sealed class ConcurrencyTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    [Fact]
    public async Task Parallel_calls_of_different_texts_each_get_their_own_vectors()
    {
        IReadOnlyList<ReferenceSentence> sentences = [.. ReferenceData.Load("minilm").Sentences.Where(s => s.BertIds.Length <= 128)];
        IEmbeddingGenerator<string, Embedding<float>> generator = fixture.Generator;

        // 48 calls over 4 runners; each call a different rotation and length of the set.
        Task[] calls = [.. Enumerable.Range(0, 48).Select(call => Task.Run(async () =>
        {
            ReferenceSentence[] mine = [.. Enumerable.Range(0, 1 + call % 7).Select(i => sentences[(call + i) % sentences.Count])];
            GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(mine.Select(s => s.Text));
            Assert.Equal(mine.Length, embeddings.Count);
            for (int i = 0; i < mine.Length; i++)
                VectorAssert.Close(mine[i].BertVector, embeddings[i].Vector.Span, $"call {call}, '{mine[i]}'");
        }))];
        await Task.WhenAll(calls);
    }
}
