using Aot.Embeddings.Pooling;
using Aot.Embeddings.Tokenization;
using Aot.Models;
using Aot.Runtime;

namespace Aot.Embeddings.Tests;

/// <summary>The real models, loaded once per test run (loading MiniLM costs about a second).</summary>
public sealed class Models : IDisposable
{
    private readonly Lazy<EmbeddingModel> _minilm = new(() => Load("minilm", PoolingMode.Mean));
    private readonly Lazy<EmbeddingModel> _arctic = new(() => Load("arctic-xs", PoolingMode.Cls));

    public EmbeddingModel MiniLm => _minilm.Value;

    public EmbeddingModel Arctic => _arctic.Value;

    public EmbeddingModel Get(string name) => name == "minilm" ? MiniLm : Arctic;

    public static BertTokenizer Tokenizer(string name) => BertTokenizer.FromVocabularyFile(ModelStore.GetPath(name, "vocab.txt"));

    public void Dispose()
    {
        if (_minilm.IsValueCreated)
            _minilm.Value.Dispose();
        if (_arctic.IsValueCreated)
            _arctic.Value.Dispose();
    }

    // The vocab.txt sidecar next to the model is found without being named.
    private static EmbeddingModel Load(string name, PoolingMode pooling) =>
        EmbeddingModel.Load(ModelStore.GetPath(name), new EmbeddingModelOptions
        {
            Pooling = pooling,
            Runtime = new ModelOptions { IntraOpThreads = 2 },
        });
}

[CollectionDefinition(Name)]
public sealed class ModelsCollection : ICollectionFixture<Models>
{
    public const string Name = "models";
}
