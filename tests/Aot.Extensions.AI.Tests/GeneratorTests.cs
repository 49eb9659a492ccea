using Aot.Embeddings;
using Aot.Embeddings.Tests;
using Aot.Embeddings.Tokenization;
using Microsoft.Extensions.AI;

namespace Aot.Extensions.AI.Tests;

/// <summary>
/// The in-process <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: sentence-transformers' vectors (cosine ≥ 0.9999)
/// for every reference sentence, in one call and alone; Matryoshka dimensions; usage, model id and metadata; refusals.
/// </summary>
public sealed class GeneratorTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    private IEmbeddingGenerator<string, Embedding<float>> Generator => fixture.Generator;

    private static ReferenceData MiniLm => ReferenceData.Load("minilm");

    [Fact]
    public async Task Every_reference_sentence_in_one_call_is_the_reference_vector()
    {
        IReadOnlyList<ReferenceSentence> sentences = MiniLm.Sentences;
        GeneratedEmbeddings<Embedding<float>> embeddings = await Generator.GenerateAsync(sentences.Select(s => s.Text));
        Assert.Equal(sentences.Count, embeddings.Count);
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(384, embeddings[i].Dimensions);
            VectorAssert.Close(sentences[i].BertVector, embeddings[i].Vector.Span, sentences[i].ToString());
            Assert.InRange(VectorAssert.Norm(embeddings[i].Vector.Span), 0.9999, 1.0001);
        }

        // Usage counts the tokens embedded, [CLS]/[SEP] included, after truncation to 512 (the server's usage).
        long expectedTokens = sentences.Sum(s => Math.Min(s.BertIds.Length, 512));
        Assert.Equal(expectedTokens, embeddings.Usage?.InputTokenCount);
        Assert.Equal(expectedTokens, embeddings.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task A_call_over_the_batch_size_runs_in_batches_and_keeps_the_order()
    {
        IReadOnlyList<ReferenceSentence> sentences = [.. MiniLm.Sentences.Where(s => s.BertIds.Length <= 64)];
        using var generator = new AotEmbeddingGenerator(fixture.Generator.Model, new AotEmbeddingGeneratorOptions { MaxBatchSize = 5 });
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(sentences.Select(s => s.Text));
        Assert.Equal(sentences.Count, embeddings.Count);
        for (int i = 0; i < sentences.Count; i++)
            VectorAssert.Close(sentences[i].BertVector, embeddings[i].Vector.Span, sentences[i].ToString());
        Assert.Equal(sentences.Sum(s => (long)s.BertIds.Length), embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task One_text_is_the_reference_vector()
    {
        ReferenceSentence hello = MiniLm.Sentences.Single(s => s.Text == "hello world");
        ReadOnlyMemory<float> vector = await Generator.GenerateVectorAsync("hello world");
        VectorAssert.Close(hello.BertVector, vector.Span, "hello world");
    }

    [Fact]
    public async Task Embeddings_carry_the_model_id_and_a_creation_time()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow;
        GeneratedEmbeddings<Embedding<float>> embeddings = await Generator.GenerateAsync(["a", "b"]);
        Assert.All(embeddings, e =>
        {
            Assert.Equal("all-MiniLM-L6-v2", e.ModelId);
            Assert.NotNull(e.CreatedAt);
            Assert.InRange(e.CreatedAt!.Value, before, DateTimeOffset.UtcNow);
        });
    }

    [Fact]
    public void Metadata_names_the_provider_model_and_dimensions()
    {
        EmbeddingGeneratorMetadata? metadata = Generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("aot", metadata.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(fixture.Generator, Generator.GetService<AotEmbeddingGenerator>());
        Assert.Same(fixture.Generator.Model, Generator.GetService<EmbeddingModel>());
        Assert.Null(Generator.GetService<EmbeddingGeneratorMetadata>(serviceKey: "other"));
        Assert.Null(Generator.GetService<string>());
    }

    [Fact]
    public void A_model_id_option_replaces_the_file_name()
    {
        using var generator = new AotEmbeddingGenerator(fixture.Generator.Model, new AotEmbeddingGeneratorOptions { ModelId = "minilm", Embed = new EmbedOptions { Dimensions = 128 } });
        EmbeddingGeneratorMetadata metadata = generator.GetRequiredService<EmbeddingGeneratorMetadata>();
        Assert.Equal("minilm", metadata.DefaultModelId);
        Assert.Equal(128, metadata.DefaultModelDimensions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(384)]
    public async Task Dimensions_truncate_then_renormalise(int dimensions)
    {
        ReferenceSentence sentence = MiniLm.Sentences.Single(s => s.Text == "hello world");
        Embedding<float> embedding = (await Generator.GenerateAsync(["hello world"], new EmbeddingGenerationOptions { Dimensions = dimensions }))[0];
        Assert.Equal(dimensions, embedding.Dimensions);
        float[] expected = sentence.BertVector[..dimensions];
        Aot.Embeddings.Pooling.EmbeddingPooling.Normalize(expected);
        VectorAssert.Close(expected, embedding.Vector.Span, $"dimensions {dimensions}");
        Assert.InRange(VectorAssert.Norm(embedding.Vector.Span), 0.9999, 1.0001);
    }

    [Theory]
    [InlineData(385)]
    [InlineData(4096)]
    public async Task Dimensions_over_the_model_are_refused(int dimensions)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = dimensions }));
        Assert.Contains("between 1 and 384", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dimensions_below_one_are_refused_by_the_framework_itself() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddingGenerationOptions { Dimensions = 0 });

    [Fact]
    public async Task A_null_list_is_refused()
    {
        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => Generator.GenerateAsync((IEnumerable<string>)null!));
        Assert.Equal("values", e.ParamName);
    }

    [Fact]
    public async Task An_empty_list_is_refused()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateAsync([]));
        Assert.Equal("values", e.ParamName);
        Assert.StartsWith("At least one text is needed.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_text_is_refused_with_its_index()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Generator.GenerateAsync(["a", null!, "c"]));
        Assert.StartsWith("Text 1 is null.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_string_is_embedded_as_the_server_and_tei_do()
    {
        ReferenceSentence empty = MiniLm.Sentences.Single(s => s.Text.Length == 0);
        Embedding<float> embedding = (await Generator.GenerateAsync([""]))[0];
        VectorAssert.Close(empty.BertVector, embedding.Vector.Span, "empty string");
        Assert.Equal(2, (await Generator.GenerateAsync([""])).Usage?.InputTokenCount); // [CLS] [SEP]
    }

    [Fact]
    public async Task A_text_over_the_maximum_is_refused_when_truncation_is_off()
    {
        using var generator = new AotEmbeddingGenerator(fixture.Generator.Model, new AotEmbeddingGeneratorOptions { Embed = new EmbedOptions { Truncate = false } });
        string longText = MiniLm.Sentences.Single(s => s.BertIds.Length > 1000).Text;
        var e = await Assert.ThrowsAsync<InputTooLongException>(() => generator.GenerateAsync(["short", longText]));
        Assert.Equal(512, e.MaxTokens);
    }

    [Fact]
    public async Task A_cancelled_call_throws_and_returns_its_runner()
    {
        using var generator = new AotEmbeddingGenerator(fixture.Generator.Model, new AotEmbeddingGeneratorOptions { MaxConcurrency = 1 });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["a"], cancellationToken: new CancellationToken(canceled: true)));
        Assert.Single(await generator.GenerateAsync(["a"])); // the single runner slot is free again
    }

    [Fact]
    public async Task A_disposed_generator_refuses_calls()
    {
        var generator = new AotEmbeddingGenerator(fixture.Generator.Model);
        generator.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["a"]));
        Assert.Single(await fixture.Generator.GenerateAsync(["a"])); // the shared model was not the generator's to dispose
    }
}
