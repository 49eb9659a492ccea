using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Aot.Embeddings.Protocol;
using Aot.Runtime;

namespace Aot.Embeddings.Tests;

/// <summary>The request/response layer the server's endpoints call: parsing, validation (exact messages), responses.</summary>
[Collection(ModelsCollection.Name)]
public class ProtocolTests(Models models)
{
    private EmbeddingService Service(int maxBatch = 32, bool autoTruncate = false) =>
        new(models.MiniLm, new EmbeddingServiceOptions { MaxClientBatchSize = maxBatch, AutoTruncate = autoTruncate, ModelName = "minilm" });

    [Fact]
    public void Embed_accepts_a_string_and_answers_one_vector_equal_to_the_reference()
    {
        EmbeddingService service = Service();
        EmbeddingJob job = service.Prepare(EmbeddingService.ParseEmbedRequest("""{"inputs":"hello world"}"""u8));
        float[][] vectors = service.Execute(job, models.MiniLm.CreateRunner());
        Assert.Single(vectors);
        Assert.Equal(384, vectors[0].Length);
        VectorAssert.Close(models.MiniLm.Embed("hello world"), vectors[0], "hello world");
        string json = JsonSerializer.Serialize(vectors, EmbeddingsJsonContext.Default.SingleArrayArray);
        Assert.StartsWith("[[", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Embed_takes_a_list_normalize_truncate_direction_and_dimensions()
    {
        EmbedRequest request = EmbeddingService.ParseEmbedRequest(
            """{"inputs":["a","b c"],"normalize":false,"truncate":true,"truncation_direction":"Left","dimensions":64}"""u8);
        Assert.Equal(["a", "b c"], request.Inputs!.Texts);
        Assert.True(request.Inputs.IsBatch);
        Assert.False(request.Normalize);
        Assert.True(request.Truncate);
        Assert.Equal("Left", request.TruncationDirection);
        EmbeddingJob job = Service().Prepare(request);
        Assert.Equal(64, job.Dimensions);
        Assert.False(job.Normalize);
        Assert.Equal(3 + 4, job.PromptTokens);
    }

    [Fact]
    public void OpenAI_answers_data_usage_and_model_and_base64_decodes_to_the_floats()
    {
        EmbeddingService service = Service();
        using EmbeddingRunner runner = models.MiniLm.CreateRunner();
        EmbeddingJob floats = service.Prepare(EmbeddingService.ParseOpenAIRequest("""{"input":["hello world","bye"],"model":"m1"}"""u8));
        service.Execute(floats, runner);
        OpenAIEmbeddingResponse response = service.CreateOpenAIResponse(floats);
        using JsonDocument doc = JsonDocument.Parse(JsonSerializer.Serialize(response, EmbeddingsJsonContext.Default.OpenAIEmbeddingResponse));
        JsonElement root = doc.RootElement;
        Assert.Equal("list", root.GetProperty("object").GetString());
        Assert.Equal("m1", root.GetProperty("model").GetString());
        Assert.Equal(4 + 3, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4 + 3, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(1, root.GetProperty("data")[1].GetProperty("index").GetInt32());
        Assert.Equal("embedding", root.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.Equal(384, root.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());

        EmbeddingJob encoded = service.Prepare(EmbeddingService.ParseOpenAIRequest("""{"input":"hello world","encoding_format":"base64","dimensions":32}"""u8));
        service.Execute(encoded, runner);
        using JsonDocument b64 = JsonDocument.Parse(JsonSerializer.Serialize(service.CreateOpenAIResponse(encoded), EmbeddingsJsonContext.Default.OpenAIEmbeddingResponse));
        byte[] bytes = Convert.FromBase64String(b64.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(encoded.Vectors[0], MemoryMarshal.Cast<byte, float>(bytes).ToArray());
        Assert.Equal("minilm", b64.RootElement.GetProperty("model").GetString());
        Assert.Equal(1.0, VectorAssert.Norm(encoded.Vectors[0]), 5);
    }

    [Fact]
    public void Tokenize_answers_tokens_with_text_and_utf8_offsets()
    {
        List<List<TokenizedToken>> result = Service().Tokenize(EmbeddingService.ParseTokenizeRequest("""{"inputs":"Café ok"}"""u8));
        Assert.Equal(
            [
                new TokenizedToken(101, "[CLS]", true, null, null),
                new TokenizedToken(7668, "Café", false, 0, 5),
                new TokenizedToken(7929, "ok", false, 6, 8),
                new TokenizedToken(102, "[SEP]", true, null, null),
            ],
            result.Single());
        string json = JsonSerializer.Serialize(result, EmbeddingsJsonContext.Default.ListListTokenizedToken);
        Assert.Contains("\"special\":true", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"start\":null", json, StringComparison.Ordinal);
        Assert.Single(Service().Tokenize(EmbeddingService.ParseTokenizeRequest("""{"inputs":["a"],"add_special_tokens":false}"""u8))[0]);
    }

    [Theory]
    [InlineData("""{"inputs":[]}""", 400, "empty", "`inputs` cannot be empty")]
    [InlineData("""{"inputs":["a",1]}""", 422, "tokenizer", "`inputs` must be a string, an array of strings, an array of token ids or an array of arrays of token ids")]
    [InlineData("""{"inputs":42}""", 422, "tokenizer", "`inputs` must be a string, an array of strings, an array of token ids or an array of arrays of token ids")]
    [InlineData("""{"normalize":true}""", 422, "tokenizer", "missing field `inputs`")]
    [InlineData("""{"inputs":"a","normalize":"yes"}""", 422, "tokenizer", "`normalize` has the wrong JSON type.")]
    [InlineData("""[1,2]""", 422, "tokenizer", "The request body must be a JSON object.")]
    [InlineData("""null""", 422, "tokenizer", "The request body must be a JSON object.")]
    [InlineData("""{"inputs":"a","truncation_direction":"up"}""", 422, "tokenizer", "`truncation_direction` must be \"Left\" or \"Right\". Given: \"up\"")]
    [InlineData("""{"inputs":"a","dimensions":0}""", 400, "validation", "`dimensions` must be between 1 and 384. Given: 0")]
    [InlineData("""{"inputs":"a","dimensions":385}""", 400, "validation", "`dimensions` must be between 1 and 384. Given: 385")]
    [InlineData("""{"inputs":["a","b","c"]}""", 413, "validation", "batch size 3 > maximum allowed batch size 2")]
    public void Embed_refusals_carry_status_type_and_exact_message(string body, int status, string type, string message)
    {
        var error = Assert.Throws<EmbeddingRequestException>(() => Service(maxBatch: 2).Prepare(EmbeddingService.ParseEmbedRequest(Encoding.UTF8.GetBytes(body))));
        Assert.Equal((status, type, message), (error.StatusCode, error.ErrorType, error.Message));
        Assert.Equal(new ErrorResponse(message, type), error.ToResponse());
    }

    [Theory]
    [InlineData("""{"input":"a","encoding_format":"hex"}""", 422, "`encoding_format` must be \"float\" or \"base64\". Given: \"hex\"")]
    [InlineData("""{"input":[]}""", 400, "`input` cannot be empty")]
    [InlineData("""{"input":[null]}""", 422, "`input` must be a string, an array of strings, an array of token ids or an array of arrays of token ids")]
    [InlineData("""{"input":"a","dimensions":-3}""", 400, "`dimensions` must be between 1 and 384. Given: -3")]
    [InlineData("""{"model":"x"}""", 422, "missing field `input`")]
    public void OpenAI_refusals_carry_status_and_exact_message(string body, int status, string message)
    {
        var error = Assert.Throws<EmbeddingRequestException>(() => Service().Prepare(EmbeddingService.ParseOpenAIRequest(Encoding.UTF8.GetBytes(body))));
        Assert.Equal((status, message), (error.StatusCode, error.Message));
    }

    [Fact]
    public void Malformed_json_is_400()
    {
        var error = Assert.Throws<EmbeddingRequestException>(() => EmbeddingService.ParseEmbedRequest("""{"inputs": "a" """u8));
        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith("Invalid JSON: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_long_is_413_unless_truncation_is_asked_or_automatic()
    {
        string text = string.Join(' ', Enumerable.Repeat("word", 600));
        byte[] body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new EmbedRequest { Inputs = new EmbeddingInputs([text], false) }, EmbeddingsJsonContext.Default.EmbedRequest));
        var error = Assert.Throws<EmbeddingRequestException>(() => Service().Prepare(EmbeddingService.ParseEmbedRequest(body)));
        Assert.Equal((413, "`inputs` must have less than 512 tokens. Given: 602"), (error.StatusCode, error.Message));

        Assert.Equal(512, Service(autoTruncate: true).Prepare(EmbeddingService.ParseEmbedRequest(body)).PromptTokens);
        EmbedRequest asked = EmbeddingService.ParseEmbedRequest(body) with { Truncate = true };
        Assert.Equal(512, Service().Prepare(asked).PromptTokens);
    }

    [Fact]
    public void Jobs_from_several_requests_share_one_batch_and_pool_with_their_own_options()
    {
        // The server's batching hook: concatenate rows of several jobs, run once, pool each job from its offset.
        EmbeddingService service = Service();
        EmbeddingJob first = service.Prepare(EmbeddingService.ParseEmbedRequest("""{"inputs":["short","a much longer second text here"]}"""u8));
        EmbeddingJob second = service.Prepare(EmbeddingService.ParseEmbedRequest("""{"inputs":"third","normalize":false,"dimensions":16}"""u8));
        using EmbeddingRunner runner = models.MiniLm.CreateRunner();
        runner.Run([.. first.Rows, .. second.Rows]);
        first.PoolFrom(runner, firstRow: 0);
        second.PoolFrom(runner, firstRow: first.Rows.Count);

        VectorAssert.Close(models.MiniLm.Embed("a much longer second text here"), first.Vectors[1], "row 1");
        float[] alone = models.MiniLm.Embed("third", new EmbedOptions { Normalize = false, Dimensions = 16 });
        Assert.Equal(16, second.Vectors[0].Length);
        VectorAssert.Close(alone, second.Vectors[0], "row 2");
    }

    [Fact]
    public void A_job_run_in_length_groups_pools_each_text_to_its_own_place_with_the_vector_of_the_whole_job()
    {
        // The server's split: runs of similar length (LengthGroups), each written and pooled by row index.
        EmbeddingService service = Service();
        string[] texts = ["a", "a much longer text that takes many more tokens than the first one does", "mid length text", "b", "another long text with quite a few words in it for the model"];
        EmbeddingJob job = service.Prepare(new EmbedRequest { Inputs = new EmbeddingInputs([.. texts], false) });
        int[] ends = LengthGroups.Plan([.. job.Rows.Select(r => r.Length)], maxRows: 32, maxTokens: 16384, runOverheadTokens: 0, out int[] order);
        Assert.True(ends.Length > 1, "the texts were not split");
        using ModelRunner runner = models.MiniLm.OnnxModel.CreateRunner();
        ModelMetadata metadata = models.MiniLm.OnnxModel.Metadata;
        int Input(string name) => metadata.Inputs.Single(i => i.Name == name).Index;
        int hiddenOutput = metadata.Outputs.First(o => o.Shape.Count == 3).Index;
        for (int r = 0, start = 0; r < ends.Length; start = ends[r++])
        {
            int[] rows = order[start..ends[r]];
            int length = job.LongestOf(rows);
            long[] shape = [rows.Length, length];
            job.WriteInputs(rows, runner.GetInputBuffer<long>(Input("input_ids"), shape), runner.GetInputBuffer<long>(Input("attention_mask"), shape), length, paddingId: 0);
            runner.GetInputBuffer<long>(Input("token_type_ids"), shape).Clear();
            runner.Run();
            job.PoolFrom(rows, runner.GetOutput<float>(hiddenOutput), length, models.MiniLm.HiddenSize, models.MiniLm.Pooling);
        }

        for (int i = 0; i < texts.Length; i++)
        {
            VectorAssert.Close(models.MiniLm.Embed(texts[i]), job.Vectors[i], $"text {i}");
        }
    }

    [Fact]
    public void Embed_runs_texts_of_mixed_lengths_in_groups_and_answers_in_order_with_every_token_counted()
    {
        string[] texts = [.. Enumerable.Range(0, 40).Select(i => string.Join(' ', Enumerable.Repeat(i % 2 == 0 ? "river" : "stone", 1 + ((i * 37) % 120))))];
        using EmbeddingRunner runner = models.MiniLm.CreateRunner();
        float[][] vectors = runner.Embed(texts);
        Assert.Equal(texts.Sum(t => t.Split(' ').Length + 2), runner.TokenCount);
        Assert.True(runner.RowCount < texts.Length, "the texts ran as one batch");
        for (int i = 0; i < texts.Length; i += 7)
        {
            VectorAssert.Close(models.MiniLm.Embed(texts[i]), vectors[i], $"text {i}");
        }
    }
}
