using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>Text options that cannot work fail start-up with a message naming the model, file or value.</summary>
public sealed class EmbeddingStartupTests
{
    private static string MiniLmVocabulary => Path.Combine(Path.GetDirectoryName(TestModels.MiniLm)!, "vocab.txt");

    public static TheoryData<string[], string> BadOptions() => new()
    {
        { ["--model", $"tiny={TestModels.Tiny}", "--tokenizer", $"tiny={MiniLmVocabulary}"], "Model 'tiny'" },
        { ["--model", $"tiny={TestModels.Tiny}", "--tokenizer", $"tiny={MiniLmVocabulary}"], "input_ids" },
        { ["--model", $"m={TestModels.MiniLm}", "--tokenizer", "m=/no/such/vocab.txt"], "vocabulary file '/no/such/vocab.txt' was not found" },
        { ["--model", $"m={TestModels.MiniLm}", "--tokenizer", $"other={MiniLmVocabulary}"], "no model is named 'other'" },
        { ["--model", $"m={TestModels.MiniLm}", "--pooling", "m=max"], "must be 'mean' or 'cls', not 'max'" },
        { ["--model", $"tiny={TestModels.Tiny}", "--pooling", "tiny=cls"], "the model has no tokenizer" },
        { ["--model", $"m={TestModels.MiniLm}", "--max-client-batch-size", "0"], "--max-client-batch-size must be at least 1" },
        { ["--model", $"m={TestModels.MiniLm}", "--prompt", "query=hello"], "--prompt 'query=hello' is not MODEL:NAME=TEXT" },
        { ["--model", $"m={TestModels.MiniLm}", "--prompt", "other:query=q: "], "no model is named 'other'" },
        { ["--model", $"m={TestModels.MiniLm}", "--prompt", "m:q=a", "--prompt", "m:q=b"], "--prompt m:q is given twice" },
        { ["--model", $"tiny={TestModels.Tiny}", "--prompt", "tiny:q=a"], "--prompt tiny: the model has no tokenizer" },
        { ["--model", $"m={TestModels.MiniLm}", "--cpu-arena", "sometimes"], "sometimes" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_text_options_fail_at_start_with_a_clear_message(string[] arguments, string expected)
    {
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, ["serve", "--http-port", "0", "--port", "0", "--grpc-port", "0", .. arguments]);
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output);
    }

    [Fact]
    public async Task A_sidecar_vocabulary_next_to_a_model_that_is_no_encoder_is_skipped_with_a_warning()
    {
        string directory = Directory.CreateTempSubdirectory("aot-sidecar-").FullName;
        try
        {
            string model = Path.Combine(directory, "tiny.onnx");
            File.Copy(TestModels.Tiny, model);
            File.Copy(MiniLmVocabulary, Path.Combine(directory, "vocab.txt"));
            await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={model}"]);
            Assert.Contains("'tiny' has a vocab.txt next to it but is not served for text", server.Output);
            using HttpResponseMessage response = await server.Http.PostAsync("/embed", new StringContent("""{"inputs":"hello"}"""));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("No served model takes text", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
