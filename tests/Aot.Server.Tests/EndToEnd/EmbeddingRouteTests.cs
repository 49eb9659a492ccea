using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aot.Embeddings.Tests;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// The routes clients nobody here wrote call: Hugging Face's `POST /`, OpenAI's model list and error object and
/// token-array input, TEI's `/embed_all`, `/decode`, `prompt_name`, `/info` fields, and choosing among several text
/// models (`/models/{model}/...`, `X-Model`, `?model=`, OpenAI's `model`).
/// </summary>
public sealed class EmbeddingRouteTests(EmbeddingServerFixture fixture) : IClassFixture<EmbeddingServerFixture>
{
    private static readonly long[] HelloIds = [101, 7592, 2088, 102]; // [CLS] hello world [SEP]

    private HttpClient Http => fixture.Server.Http;

    private static ReferenceData MiniLm => ReferenceData.Load("minilm");

    private Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, string json, string? model = null) =>
        TeiHttp.PostAsync(Http, path, json, model);

    private async Task<float[]> EmbedAsync(string path, string json, string? model = null)
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync(path, json, model);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body?.ToJsonString()}");
        JsonNode vector = body is JsonObject openAI ? openAI["data"]![0]!["embedding"]! : body![0]!;
        return Floats(vector);
    }

    private static float[] Floats(JsonNode? array) => [.. array!.AsArray().Select(v => (float)v!)];

    [Fact]
    public async Task Post_to_the_root_answers_as_embed()
    {
        ReferenceSentence hello = MiniLm.Sentences.Single(s => s.Text == "hello world");
        float[] root = await EmbedAsync("/", """{"inputs":"hello world"}""");
        VectorAssert.Close(hello.PackageVector, root, "POST /");
        (HttpStatusCode status, JsonNode? body) = await PostAsync("/", """{"inputs":["a","b c"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body!.AsArray().Count);
    }

    [Fact]
    public async Task OpenAI_model_list_and_retrieve()
    {
        JsonNode list = JsonNode.Parse(await Http.GetStringAsync("/v1/models"))!;
        Assert.Equal("list", (string?)list["object"]);
        Assert.Equal(["minilm", "arctic"], list["data"]!.AsArray().Select(m => (string)m!["id"]!).ToArray());
        JsonNode first = list["data"]![0]!;
        Assert.Equal("model", (string?)first["object"]);
        Assert.Equal("aot", (string?)first["owned_by"]);
        Assert.True((long)first["created"]! > 1_600_000_000);

        // /v1/models/{id} is TF Serving's status route too: one body carries both.
        JsonNode model = JsonNode.Parse(await Http.GetStringAsync("/v1/models/arctic"))!;
        Assert.Equal(("arctic", "model", "aot"), ((string?)model["id"], (string?)model["object"], (string?)model["owned_by"]));
        Assert.Equal("AVAILABLE", (string?)model["model_version_status"]![0]!["state"]);
    }

    [Fact]
    public async Task OpenAI_unknown_model_is_a_404_naming_the_text_models()
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync("/v1/embeddings", """{"input":"a","model":"text-embedding-3-small"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonNode error = body!["error"]!;
        Assert.Contains("'text-embedding-3-small'", (string?)error["message"]);
        Assert.Contains("minilm, arctic", (string?)error["message"]);
        Assert.Equal(("invalid_request_error", "model", "model_not_found"), ((string?)error["type"], (string?)error["param"], (string?)error["code"]));

        // tiny is served, but takes no text.
        (status, _) = await PostAsync("/v1/embeddings", """{"input":"a","model":"tiny"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task OpenAI_token_arrays_are_used_as_given()
    {
        ReferenceSentence hello = MiniLm.Sentences.Single(s => s.Text == "hello world");
        string ids = string.Join(",", HelloIds);
        float[] one = await EmbedAsync("/v1/embeddings", $$"""{"input":[{{ids}}],"model":"minilm"}""");
        VectorAssert.Close(hello.PackageVector, one, "one id array");

        (HttpStatusCode status, JsonNode? body) = await PostAsync("/v1/embeddings", $$"""{"input":[[{{ids}}],[101,102]]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body!["data"]!.AsArray().Count);
        Assert.Equal(HelloIds.Length + 2, (int)body["usage"]!["prompt_tokens"]!); // nothing added to the given ids
        VectorAssert.Close(hello.PackageVector, Floats(body["data"]![0]!["embedding"]), "first of two id arrays");

        // Without [CLS]/[SEP] the ids are a different input: proof that none were added.
        float[] bare = await EmbedAsync("/v1/embeddings", """{"input":[7592,2088]}""");
        Assert.True(VectorAssert.Cosine(hello.PackageVector, bare) < 0.9999);
    }

    [Fact]
    public async Task Embed_all_returns_every_token_and_its_mean_is_the_embedding()
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync("/embed_all", """{"inputs":["hello world","a"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray rows = body!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(4, rows[0]!.AsArray().Count); // [CLS] hello world [SEP], no padding from the 3-token row
        Assert.Equal(3, rows[1]!.AsArray().Count);
        float[][] tokens = [.. rows[0]!.AsArray().Select(Floats)];
        Assert.All(tokens, t => Assert.Equal(384, t.Length));
        var mean = new float[384];
        foreach (float[] token in tokens)
        {
            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] += token[i] / tokens.Length;
            }
        }

        VectorAssert.Close(MiniLm.Sentences.Single(s => s.Text == "hello world").PackageVector, mean, "mean of /embed_all");
    }

    [Fact]
    public async Task Decode_joins_pieces_and_skips_special_tokens_unless_asked()
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync("/tokenize", """{"inputs":"Tokenization is not trivial, is it?"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        string ids = string.Join(",", body![0]!.AsArray().Select(t => (int)t!["id"]!));

        (status, body) = await PostAsync("/decode", $$"""{"ids":[{{ids}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["tokenization is not trivial, is it?"], body!.AsArray().Select(s => (string)s!).ToArray());

        (_, body) = await PostAsync("/decode", $$"""{"ids":[[{{string.Join(",", HelloIds)}}],[101,102]],"skip_special_tokens":false}""");
        Assert.Equal(["[CLS] hello world [SEP]", "[CLS] [SEP]"], body!.AsArray().Select(s => (string)s!).ToArray());
    }

    [Fact]
    public async Task Prompt_name_puts_the_configured_prompt_before_the_text()
    {
        float[] prompted = await EmbedAsync("/embed", """{"inputs":"hello world","prompt_name":"query"}""");
        float[] spelled = await EmbedAsync("/embed", $$"""{"inputs":"{{EmbeddingServerFixture.QueryPrompt}}hello world"}""");
        VectorAssert.Close(spelled, prompted, "prompt_name query");

        (HttpStatusCode status, JsonNode? body) = await PostAsync("/embed", """{"inputs":"a","prompt_name":"passage"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"passage\"", (string?)body!["error"]);
        Assert.Contains("configured: query", (string?)body["error"]);

        (status, body) = await PostAsync("/models/arctic/embed", """{"inputs":"a","prompt_name":"query"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("none are configured", (string?)body!["error"]);
    }

    [Fact]
    public async Task Normalize_false_keeps_the_raw_mean()
    {
        float[] raw = await EmbedAsync("/embed", """{"inputs":"hello world","normalize":false}""");
        Assert.True(VectorAssert.Norm(raw) > 1.5, $"norm {VectorAssert.Norm(raw)}");
        VectorAssert.Close(MiniLm.Sentences.Single(s => s.Text == "hello world").PackageVector, raw, "direction of the raw mean");
    }

    [Fact]
    public async Task Every_text_model_answers_by_route_header_query_and_openai_model()
    {
        ReferenceSentence fox = ReferenceData.Load("arctic-xs").Sentences[0];
        string json = $$"""{"inputs":{{JsonSerializer.Serialize(fox.Text)}}}""";
        float[][] answers =
        [
            await EmbedAsync("/models/arctic/embed", json),
            await EmbedAsync("/embed", json, model: "arctic"),
            await EmbedAsync("/embed?model=arctic", json),
            await EmbedAsync("/v1/embeddings", $$"""{"input":{{JsonSerializer.Serialize(fox.Text)}},"model":"arctic"}"""),
        ];
        string[] ways = ["route", "X-Model", "query", "OpenAI model"];
        for (int i = 0; i < answers.Length; i++)
        {
            VectorAssert.Close(fox.PackageVector, answers[i], ways[i]);
        }

        float[] byDefault = await EmbedAsync("/embed", json);
        Assert.True(VectorAssert.Cosine(fox.PackageVector, byDefault) < 0.99, "the default model is MiniLM");

        (HttpStatusCode status, JsonNode? body) = await PostAsync("/models/nope/embed", json);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("validation", (string?)body!["error_type"]);
        Assert.Contains("minilm, arctic", (string?)body["error"]);
        (status, _) = await PostAsync("/embed", json, model: "tiny");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Info_has_the_fields_tei_clients_read_per_model()
    {
        JsonNode info = JsonNode.Parse(await Http.GetStringAsync("/info"))!;
        Assert.Equal("minilm", (string?)info["model_id"]);
        Assert.Equal(512, (int)info["max_input_length"]!);
        Assert.Equal(EmbeddingServerFixture.MaxClientBatchSize, (int)info["max_client_batch_size"]!);
        Assert.Equal(2048, (int)info["max_batch_tokens"]!); // the CPU default (TEI's 16384 on a GPU)
        Assert.True((int)info["max_concurrent_requests"]! > 0);
        Assert.Equal(EmbeddingServerFixture.QueryPrompt, (string?)info["prompts"]!["query"]);

        JsonNode arctic = (await Http.GetFromJsonAsync<JsonNode>("/models/arctic/info"))!;
        Assert.Equal(("arctic", "cls"), ((string?)arctic["model_id"], (string?)arctic["model_type"]!["embedding"]!["pooling"]));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/models/tiny/info")).StatusCode);
    }

    [Fact]
    public async Task Texts_of_mixed_lengths_run_in_length_groups_with_the_vectors_they_get_alone()
    {
        // One request, 12 texts of 3-93 tokens: padded as one batch, 70 % of the positions would be padding.
        int[] words = [1, 2, 40, 3, 90, 41, 1, 91, 2, 42, 3, 4];
        string[] texts = [.. words.Select((n, i) => string.Join(' ', Enumerable.Range(0, n).Select(w => (w + i) % 3 == 0 ? "river" : "stone")))];
        (long realBefore, long paddedBefore, long batchesBefore) = await TokenCountersAsync();

        (HttpStatusCode status, JsonNode? body) = await PostAsync("/embed", JsonSerializer.Serialize(new { inputs = texts }));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        (long realAfter, long paddedAfter, long batchesAfter) = await TokenCountersAsync();

        long real = realAfter - realBefore, padded = paddedAfter - paddedBefore;
        Assert.Equal(words.Sum() + (2 * words.Length), real); // [CLS] and [SEP] on each
        Assert.True(batchesAfter - batchesBefore >= 3, $"{batchesAfter - batchesBefore} runs: the texts were not split by length");
        Assert.True(padded <= real * 1.15, $"{padded} padded positions for {real} tokens");
        for (int i = 0; i < texts.Length; i++)
        {
            float[] alone = await EmbedAsync("/embed", JsonSerializer.Serialize(new { inputs = texts[i] }));
            VectorAssert.Close(alone, Floats(body![i]), $"text {i} ({words[i]} words)");
        }
    }

    private async Task<(long Real, long Padded, long Batches)> TokenCountersAsync()
    {
        string[] lines = (await Http.GetStringAsync("/metrics")).Split('\n');
        long Value(string name) => long.Parse(lines.Single(l => l.StartsWith(name + "{model=\"minilm\",", StringComparison.Ordinal)).Split(' ')[1]);
        return (Value("aot_batch_tokens_total"), Value("aot_batch_padded_tokens_total"), Value("aot_batch_size_count"));
    }
}
