using Aot.Models;
using Aot.Models.Synthetic;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// One `aot serve` process with the generated 3-label BERT classifier first (so `POST /` and `/info` answer for it),
/// copied into its own folder with MiniLM's vocab.txt (BERT's uncased vocabulary) and a config.json naming its labels,
/// a generated one-label classifier (a cross-encoder reranker's shape, no config.json) as `reranker`, and MiniLM as an
/// embedding model next to them.
/// </summary>
public sealed class ClassifierServerFixture : IAsyncLifetime
{
    public static readonly string[] Labels = ["negative", "neutral", "positive"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"aot-classifier-{Guid.NewGuid():N}");

    internal ServerProcess Server { get; private set; } = null!;

    /// <summary>The classifier's file, as the server loads it.</summary>
    public string ModelPath => Path.Combine(_folder, "model.onnx");

    public string VocabularyPath => Path.Combine(_folder, "vocab.txt");

    /// <summary>The one-label classifier's file, as the server loads it (its vocab.txt beside it).</summary>
    public string RerankerPath => Path.Combine(_folder, "reranker", "model.onnx");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        File.Copy(ModelStore.GetPath("bert-tiny-classifier"), ModelPath);
        File.Copy(Path.Combine(Path.GetDirectoryName(TestModels.MiniLm)!, "vocab.txt"), VocabularyPath);
        await File.WriteAllTextAsync(Path.Combine(_folder, "config.json"),
            """{"architectures":["BertForSequenceClassification"],"id2label":{"0":"negative","1":"neutral","2":"positive"}}""");
        Directory.CreateDirectory(Path.GetDirectoryName(RerankerPath)!);
        File.Copy(ModelStore.Cache.GetPath(SyntheticModels.Bert(BertOptions.TinyClassifier with { ClassifierLabels = 1 }, "bert-tiny-reranker")), RerankerPath);
        File.Copy(VocabularyPath, Path.Combine(Path.GetDirectoryName(RerankerPath)!, "vocab.txt"));
        Server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
        [
            "--model", $"sentiment={ModelPath}",
            "--model", $"reranker={RerankerPath}",
            "--model", $"minilm={TestModels.MiniLm}",
            "--max-delay-us", "2000",
        ]);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
