using Aot.Compiled.Tests.Infrastructure;
using Aot.Server.Compiled;
using Aot.Server.Hosting;
using Aot.Server.Models;

namespace Aot.Compiled.Tests;

/// <summary>
/// A compiled-in encoder answers text (/embed, OpenAI) as a runtime-loaded one does: with a vocab.txt next to its
/// file, or --tokenizer naming it (deploy/minilm-server ships vocab.txt beside the executable for the embedded copy).
/// </summary>
public sealed class CompiledTextTests
{
    [Fact]
    public void A_compiled_in_encoder_with_a_vocab_txt_beside_its_file_gets_text_endpoints()
    {
        var log = new List<string>();
        using ModelRepository repository = CompiledModelLoader.Load([new MiniLm.Serving()], new ServerOptions { Models = [$"minilm={TestModels.MiniLm}"], Threads = 1 }, log.Add);

        ServedModel served = Assert.Single(repository.All);
        Assert.NotNull(served.Embeddings);
        string vocabulary = Path.Combine(Path.GetDirectoryName(TestModels.MiniLm)!, "vocab.txt");
        Assert.Contains(log, l => l.Contains("signature verified", StringComparison.Ordinal) && l.Contains($"text endpoints on (vocabulary {vocabulary}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_compiled_in_model_without_a_vocabulary_answers_tensors_only()
    {
        var log = new List<string>();
        using ModelRepository repository = CompiledModelLoader.Load([new Tiny.Serving()], new ServerOptions { Models = [$"tiny={TestModels.Tiny}"], Threads = 1 }, log.Add);

        Assert.Null(Assert.Single(repository.All).Embeddings);
        Assert.DoesNotContain(log, static l => l.Contains("text endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void The_tokenizer_option_applies_to_compiled_in_models_and_refuses_a_model_that_is_no_encoder()
    {
        string vocabulary = Path.Combine(Path.GetDirectoryName(TestModels.MiniLm)!, "vocab.txt");
        var options = new ServerOptions { Models = [$"tiny={TestModels.Tiny}"], Tokenizers = [$"tiny={vocabulary}"], Threads = 1 };

        StartupException error = Assert.Throws<StartupException>(() => CompiledModelLoader.Load([new Tiny.Serving()], options, _ => { }));
        Assert.StartsWith($"Model 'tiny' ({TestModels.Tiny}) cannot take text with --tokenizer {vocabulary}:", error.Message, StringComparison.Ordinal);
    }
}
