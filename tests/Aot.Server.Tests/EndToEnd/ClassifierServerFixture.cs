using Aot.Models;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// One `aot serve` process with the generated 3-label BERT classifier first (so `POST /` and `/info` answer for it),
/// copied into its own folder with MiniLM's vocab.txt (BERT's uncased vocabulary) and a config.json naming its labels,
/// and MiniLM as an embedding model next to it.
/// </summary>
public sealed class ClassifierServerFixture : IAsyncLifetime
{
    public static readonly string[] Labels = ["negative", "neutral", "positive"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"aot-classifier-{Guid.NewGuid():N}");

    internal ServerProcess Server { get; private set; } = null!;

    /// <summary>The classifier's file, as the server loads it.</summary>
    public string ModelPath => Path.Combine(_folder, "model.onnx");

    public string VocabularyPath => Path.Combine(_folder, "vocab.txt");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        File.Copy(ModelStore.GetPath("bert-tiny-classifier"), ModelPath);
        File.Copy(Path.Combine(Path.GetDirectoryName(TestModels.MiniLm)!, "vocab.txt"), VocabularyPath);
        await File.WriteAllTextAsync(Path.Combine(_folder, "config.json"),
            """{"architectures":["BertForSequenceClassification"],"id2label":{"0":"negative","1":"neutral","2":"positive"}}""");
        Server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
        [
            "--model", $"sentiment={ModelPath}",
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
