using Aot.Embeddings;
using Aot.Models;
using Aot.Runtime;

namespace Aot.Extensions.AI.Tests;

/// <summary>One MiniLM generator for the test run (loading the model costs about a second).</summary>
public sealed class GeneratorFixture : IDisposable
{
    public GeneratorFixture()
    {
        Generator = AotEmbeddingGenerator.Load(ModelPath, options: new AotEmbeddingGeneratorOptions
        {
            Model = new EmbeddingModelOptions { Runtime = new ModelOptions { IntraOpThreads = 1 } },
            MaxConcurrency = 4,
        });
    }

    public static string ModelPath => ModelStore.GetPath("minilm");

    public static string VocabularyPath => ModelStore.GetPath("minilm", "vocab.txt");

    public AotEmbeddingGenerator Generator { get; }

    public void Dispose() => Generator.Dispose();
}
