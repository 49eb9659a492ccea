using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// One `aot serve` process serving text: MiniLM (mean pooling, from the vocab.txt next to it), arctic-embed-xs (CLS
/// pooling, vocabulary given with --tokenizer) and the tiny model (no text side), with a 2 ms batching delay so
/// concurrent texts of different lengths are padded into one batch, small limits to test refusals, and a `query` prompt for MiniLM.
/// </summary>
public sealed class EmbeddingServerFixture : IAsyncLifetime
{
    public const int MaxClientBatchSize = 24;
    public const int MaxPayloadBytes = 64 << 10;
    public const string QueryPrompt = "query: ";

    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string arcticVocabulary = Path.Combine(Path.GetDirectoryName(TestModels.ArcticXs)!, "vocab.txt");
        Server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
        [
            "--model", $"minilm={TestModels.MiniLm}",
            "--model", $"arctic={TestModels.ArcticXs}",
            "--tokenizer", $"arctic={arcticVocabulary}",
            "--pooling", "arctic=cls",
            "--model", $"tiny={TestModels.Tiny}",
            "--max-delay-us", "2000",
            "--max-client-batch-size", MaxClientBatchSize.ToString(),
            "--max-payload-bytes", MaxPayloadBytes.ToString(),
            "--prompt", $"minilm:query={QueryPrompt}",
        ]);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
