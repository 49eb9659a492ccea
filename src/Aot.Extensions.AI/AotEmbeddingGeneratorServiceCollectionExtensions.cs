using Aot.Extensions.AI;
using Microsoft.Extensions.AI;

// In the framework's namespace, as Microsoft.Extensions.AI's own AddEmbeddingGenerator: found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an <see cref="AotEmbeddingGenerator"/> as <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
public static class AotEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> that loads
    /// <paramref name="modelPath"/> on first resolution. Returns the framework's builder, so middleware
    /// (<c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>, <c>.UseDistributedCache()</c>) can be added.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The encoder's <c>.onnx</c> file.</param>
    /// <param name="vocabularyPath">Its <c>vocab.txt</c>; null means the one next to the model.</param>
    /// <param name="configure">Sets options (model id, pooling, batch size, concurrency...).</param>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddAotEmbeddingGenerator(this IServiceCollection services,
        string modelPath, string? vocabularyPath = null, Action<AotEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return services.AddEmbeddingGenerator(_ => Load(modelPath, vocabularyPath, configure));
    }

    /// <summary>As <see cref="AddAotEmbeddingGenerator"/>, under <paramref name="serviceKey"/> (several models side by side).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it with (<c>[FromKeyedServices]</c>, <c>GetRequiredKeyedService</c>).</param>
    /// <param name="modelPath">The encoder's <c>.onnx</c> file.</param>
    /// <param name="vocabularyPath">Its <c>vocab.txt</c>; null means the one next to the model.</param>
    /// <param name="configure">Sets options (model id, pooling, batch size, concurrency...).</param>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedAotEmbeddingGenerator(this IServiceCollection services,
        object serviceKey, string modelPath, string? vocabularyPath = null, Action<AotEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return services.AddKeyedEmbeddingGenerator(serviceKey, _ => Load(modelPath, vocabularyPath, configure));
    }

    private static AotEmbeddingGenerator Load(string modelPath, string? vocabularyPath, Action<AotEmbeddingGeneratorOptions>? configure)
    {
        var options = new AotEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        return AotEmbeddingGenerator.Load(modelPath, vocabularyPath, options);
    }
}
