using Aot.Embeddings.Pooling;
using Aot.Embeddings.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Aot.Extensions.AI.Tests;

/// <summary>The DI helper: the generator resolves as the framework's interface, plain and keyed, with its options and middleware.</summary>
public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task The_generator_resolves_from_a_service_collection()
    {
        var services = new ServiceCollection();
        services.AddAotEmbeddingGenerator(GeneratorFixture.ModelPath, GeneratorFixture.VocabularyPath, options => options.ModelId = "minilm");
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>()); // singleton
        Assert.Equal("minilm", generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Embedding<float> embedding = (await generator.GenerateAsync(["hello world"]))[0];
        Assert.Equal("minilm", embedding.ModelId);
        VectorAssert.Close(ReferenceData.Load("minilm").Sentences.Single(s => s.Text == "hello world").BertVector, embedding.Vector.Span, "hello world");
    }

    [Fact]
    public async Task Keyed_registrations_keep_their_own_options_and_middleware_applies()
    {
        var services = new ServiceCollection();
        services.AddKeyedAotEmbeddingGenerator("mean", GeneratorFixture.ModelPath);
        services.AddKeyedAotEmbeddingGenerator("cls", GeneratorFixture.ModelPath, configure: options => options.Model = options.Model with { Pooling = PoolingMode.Cls })
            .ConfigureOptions(options => options.Dimensions ??= 64);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var mean = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("mean");
        var cls = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("cls");
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(384, (await mean.GenerateAsync(["hello world"]))[0].Dimensions);
        Embedding<float> clsVector = (await cls.GenerateAsync(["hello world"]))[0];
        Assert.Equal(64, clsVector.Dimensions);
        float[] meanFirst64 = (await mean.GenerateAsync(["hello world"], new EmbeddingGenerationOptions { Dimensions = 64 }))[0].Vector.ToArray();
        Assert.True(VectorAssert.Cosine(meanFirst64, clsVector.Vector.Span) < 0.99, "CLS pooling differs from mean pooling");
    }

    [Fact]
    public void Registration_checks_its_arguments_at_once()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddAotEmbeddingGenerator(""));
        Assert.Throws<ArgumentNullException>(() => services.AddKeyedAotEmbeddingGenerator(null!, GeneratorFixture.ModelPath));
    }

    [Fact]
    public async Task A_missing_vocabulary_fails_on_resolution_naming_the_file()
    {
        var services = new ServiceCollection();
        services.AddAotEmbeddingGenerator(GeneratorFixture.ModelPath, "/nonexistent/vocab.txt");
        await using ServiceProvider provider = services.BuildServiceProvider();
        var e = Assert.Throws<FileNotFoundException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Contains("/nonexistent/vocab.txt", e.Message, StringComparison.Ordinal);
    }
}
