using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aot.Embeddings.Tests;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// `/embed`, `/v1/embeddings`, `/tokenize`, `/info`, `/health` on a real `aot serve`: vectors equal the
/// SentenceTransformers package's pipeline (cosine ≥ 0.9999), alone and batched by the server; bad input gets a 4xx
/// with TEI's JSON error and the server keeps serving.
/// </summary>
public sealed class EmbeddingEndpointTests(EmbeddingServerFixture fixture) : IClassFixture<EmbeddingServerFixture>
{
    private HttpClient Http => fixture.Server.Http;

    private static ReferenceData MiniLm => ReferenceData.Load("minilm");

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string path, string json)
    {
        HttpResponseMessage response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static float[] Floats(JsonNode? array) => [.. array!.AsArray().Select(v => (float)v!)];

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    /// <summary>The package's vector where its tokenizer agrees with BERT's; Hugging Face's pipeline otherwise.</summary>
    private static float[] Expected(ReferenceSentence sentence) => sentence.PackageTokenizerAgrees ? sentence.PackageVector : sentence.BertVector;

    [Fact]
    public async Task Hello_world_is_the_reference_vector()
    {
        ReferenceSentence hello = MiniLm.Sentences.Single(s => s.Text == "hello world");
        Assert.True(hello.PackageTokenizerAgrees);
        (HttpStatusCode status, JsonNode? body, HttpResponseMessage response) = await PostAsync("/embed", """{"inputs":"hello world"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray vectors = body!.AsArray();
        Assert.Single(vectors);
        float[] vector = Floats(vectors[0]);
        Assert.Equal(384, vector.Length);
        VectorAssert.Close(hello.PackageVector, vector, "hello world");
        Assert.InRange(VectorAssert.Norm(vector), 0.9999, 1.0001);
        foreach (string header in (string[])["x-total-time", "x-tokenization-time", "x-queue-time", "x-inference-time", "x-compute-tokens"])
        {
            Assert.True(long.TryParse(response.Headers.GetValues(header).Single(), out long value) && value >= 0, header);
        }

        Assert.Equal("4", response.Headers.GetValues("x-compute-tokens").Single()); // [CLS] hello world [SEP]
    }

    [Fact]
    public async Task Every_reference_sentence_alone_and_in_one_request()
    {
        IReadOnlyList<ReferenceSentence> sentences = MiniLm.Sentences;
        var texts = string.Join(",", sentences.Select(s => Quote(s.Text)));
        (HttpStatusCode status, JsonNode? body, _) = await PostAsync("/embed", $$"""{"inputs":[{{texts}}],"truncate":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray batched = body!.AsArray();
        Assert.Equal(sentences.Count, batched.Count);
        for (int i = 0; i < sentences.Count; i++)
        {
            VectorAssert.Close(sentences[i].PackageTokenizerAgrees ? sentences[i].PackageBatchedVector : sentences[i].BertVector, Floats(batched[i]), $"batched '{sentences[i]}'");
            (status, body, _) = await PostAsync("/embed", $$"""{"inputs":{{Quote(sentences[i].Text)}},"truncate":true}""");
            Assert.Equal(HttpStatusCode.OK, status);
            VectorAssert.Close(Expected(sentences[i]), Floats(body![0]), $"alone '{sentences[i]}'");
        }
    }

    [Fact]
    public async Task Concurrent_requests_of_different_lengths_are_batched_and_each_gets_its_own_vectors()
    {
        double batchesBefore = await MetricAsync("aot_batch_size_count");
        double rowsBefore = await MetricAsync("aot_batch_size_sum");
        IReadOnlyList<ReferenceSentence> sentences = [.. MiniLm.Sentences.Where(s => s.Text.Length < 600)];
        for (int round = 0; round < 3; round++)
        {
            var calls = sentences.Select(async (s, i) =>
            {
                (HttpStatusCode status, JsonNode? body, _) = await PostAsync("/embed", $$"""{"inputs":[{{Quote(s.Text)}}, "hello world"]}""");
                Assert.Equal(HttpStatusCode.OK, status);
                VectorAssert.Close(Expected(s), Floats(body![0]), $"'{s}'");
                VectorAssert.Close(MiniLm.Sentences.Single(h => h.Text == "hello world").PackageVector, Floats(body[1]), $"hello world next to '{s}'");
            });
            await Task.WhenAll(calls);
        }

        double batches = await MetricAsync("aot_batch_size_count") - batchesBefore;
        double rows = await MetricAsync("aot_batch_size_sum") - rowsBefore;
        Assert.Equal(3 * sentences.Count * 2, rows);
        Assert.True(batches < 3 * sentences.Count, $"{batches} batch runs for {3 * sentences.Count} requests: nothing was batched");
    }

    [Fact]
    public async Task OpenAI_embeddings_base64_dimensions_usage_and_model_routing()
    {
        ReferenceSentence fox = MiniLm.Sentences[0];
        ReferenceSentence hello = MiniLm.Sentences.Single(s => s.Text == "hello world");
        (HttpStatusCode status, JsonNode? body, _) = await PostAsync("/v1/embeddings",
            $$"""{"input":[{{Quote(fox.Text)}},"hello world"],"model":"minilm","encoding_format":"base64","dimensions":64}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", (string?)body!["object"]);
        Assert.Equal("minilm", (string?)body["model"]);
        Assert.Equal(fox.BertIds.Length + hello.BertIds.Length, (int)body["usage"]!["prompt_tokens"]!);
        float[] first = FromBase64((string)body["data"]![0]!["embedding"]!);
        Assert.Equal(64, first.Length);
        Assert.InRange(VectorAssert.Norm(first), 0.9999, 1.0001); // truncated, then normalised (Matryoshka)
        VectorAssert.Close(fox.PackageVector.AsSpan(0, 64), first, "fox, 64 dimensions");
        Assert.Equal(1, (int)body["data"]![1]!["index"]!);

        // "model" naming a served text model picks it: arctic pools the CLS vector.
        ReferenceSentence arcticFox = ReferenceData.Load("arctic-xs").Sentences[0];
        (status, body, _) = await PostAsync("/v1/embeddings", $$"""{"input":{{Quote(arcticFox.Text)}},"model":"arctic"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("arctic", (string?)body!["model"]);
        VectorAssert.Close(arcticFox.PackageVector, Floats(body["data"]![0]!["embedding"]), "arctic fox");
    }

    [Fact]
    public async Task Tokenize_returns_the_reference_ids_with_byte_offsets()
    {
        ReferenceSentence cafe = MiniLm.Sentences.Single(s => s.Text == "Café naïve résumé");
        (HttpStatusCode status, JsonNode? body, _) = await PostAsync("/tokenize", $$"""{"inputs":[{{Quote(cafe.Text)}}, "hello world"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray tokens = body![0]!.AsArray();
        Assert.Equal(cafe.BertIds, tokens.Select(t => (long)t!["id"]!).ToArray());
        Assert.True((bool)tokens[0]!["special"]!);
        JsonNode first = tokens[1]!;
        Assert.Equal("Café", (string?)first["text"]);
        Assert.Equal(0, (int)first["start"]!);
        Assert.Equal(5, (int)first["stop"]!); // UTF-8 bytes: é is two
        Assert.Equal(4, body[1]!.AsArray().Count);
    }

    [Fact]
    public async Task Info_and_health()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health")).StatusCode);
        JsonNode info = JsonNode.Parse(await Http.GetStringAsync("/info"))!;
        Assert.Equal("minilm", (string?)info["model_id"]);
        Assert.Equal("mean", (string?)info["model_type"]!["embedding"]!["pooling"]);
        Assert.Equal(EmbeddingServerFixture.MaxClientBatchSize, (int)info["max_client_batch_size"]!);
        Assert.Equal(["minilm", "arctic"], info["models"]!.AsArray().Select(m => (string)m!).ToArray());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests() => new()
    {
        { "/embed", """{"inputs":[]}""", HttpStatusCode.BadRequest, "empty" },
        { "/embed", """{"inputs":5}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"inputs":["a", 7]}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"normalize":true}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"inputs":"a", "truncation_direction":"up"}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"inputs": ["a",""", HttpStatusCode.BadRequest, "validation" },
        { "/embed", "{\"inputs\":[" + string.Join(",", Enumerable.Repeat("\"x\"", EmbeddingServerFixture.MaxClientBatchSize + 1)) + "]}", HttpStatusCode.RequestEntityTooLarge, "validation" },
        { "/embed", "{\"inputs\":\"" + string.Join(" ", Enumerable.Repeat("word", 600)) + "\"}", HttpStatusCode.RequestEntityTooLarge, "validation" },
        { "/embed", "{\"inputs\":\"" + new string('a', EmbeddingServerFixture.MaxPayloadBytes) + "\"}", HttpStatusCode.RequestEntityTooLarge, "validation" },
        { "/v1/embeddings", """{"input":"a","dimensions":385}""", HttpStatusCode.BadRequest, "validation" },
        { "/v1/embeddings", """{"input":"a","encoding_format":"int8"}""", (HttpStatusCode)422, "tokenizer" },
        { "/tokenize", """{"inputs":[]}""", HttpStatusCode.BadRequest, "empty" },
        { "/tokenize", """{"inputs":[101, 102]}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"inputs":"a","prompt_name":"nope"}""", HttpStatusCode.BadRequest, "validation" },
        { "/embed", """{"inputs":[[101, 102], "a"]}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"inputs":[101, 999999]}""", (HttpStatusCode)422, "tokenizer" },
        { "/embed", """{"inputs":[[101], []]}""", HttpStatusCode.BadRequest, "empty" },
        { "/embed", "{\"inputs\":[" + string.Join(",", Enumerable.Repeat(2088, 600)) + "]}", HttpStatusCode.RequestEntityTooLarge, "validation" },
        { "/embed_all", """{"inputs":[]}""", HttpStatusCode.BadRequest, "empty" },
        { "/embed_all", """{"inputs":"a","truncation_direction":"up"}""", (HttpStatusCode)422, "tokenizer" },
        { "/decode", """{"ids":[]}""", HttpStatusCode.BadRequest, "empty" },
        { "/decode", """{"ids":"hello"}""", (HttpStatusCode)422, "tokenizer" },
        { "/decode", """{"ids":[-1]}""", (HttpStatusCode)422, "tokenizer" },
        { "/decode", """{}""", (HttpStatusCode)422, "tokenizer" },
        { "/v1/embeddings", """{"input":[]}""", HttpStatusCode.BadRequest, "empty" },
        { "/v1/embeddings", """{"input":[[]]}""", HttpStatusCode.BadRequest, "empty" },
        { "/v1/embeddings", """{"input":{"a":1}}""", (HttpStatusCode)422, "tokenizer" },
        { "/v1/embeddings", """{"input":"a","dimensions":"8"}""", (HttpStatusCode)422, "tokenizer" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_4xx_json_error_and_the_server_keeps_serving(string path, string json, HttpStatusCode expected, string errorType)
    {
        (HttpStatusCode status, JsonNode? body, _) = await PostAsync(path, json);
        Assert.Equal(expected, status);
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            // OpenAI's error object; TEI's error type rides in its "code".
            Assert.False(string.IsNullOrWhiteSpace((string?)body!["error"]!["message"]), body.ToJsonString());
            Assert.Equal("invalid_request_error", (string?)body["error"]!["type"]);
            Assert.Equal(errorType, (string?)body["error"]!["code"]);
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)body!["error"]), body.ToJsonString());
            Assert.Equal(errorType, (string?)body["error_type"]);
        }

        (status, body, _) = await PostAsync("/embed", """{"inputs":"hello world"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(384, body![0]!.AsArray().Count);
    }

    [Fact]
    public async Task Error_messages_name_the_field_and_the_limit()
    {
        (_, JsonNode? body, _) = await PostAsync("/embed", "{\"inputs\":[" + string.Join(",", Enumerable.Repeat("\"x\"", 30)) + "]}");
        Assert.Contains($"batch size 30 > maximum allowed batch size {EmbeddingServerFixture.MaxClientBatchSize}", (string?)body!["error"]);
        (_, body, _) = await PostAsync("/embed", """{"inputs":["a", 7]}""");
        Assert.Contains("`inputs`", (string?)body!["error"]);
        (_, body, _) = await PostAsync("/embed", "{\"inputs\":\"" + new string('a', EmbeddingServerFixture.MaxPayloadBytes) + "\"}");
        Assert.Contains("--max-payload-bytes", (string?)body!["error"]);
    }

    [Fact]
    public async Task Truncation_left_and_right_keep_different_ends()
    {
        string text = string.Join(" ", Enumerable.Range(0, 700).Select(i => i % 2 == 0 ? "apple" : "river"));
        (HttpStatusCode status, JsonNode? right, _) = await PostAsync("/embed", $$"""{"inputs":{{Quote(text + " zebra")}},"truncate":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        (status, JsonNode? left, _) = await PostAsync("/embed", $$"""{"inputs":{{Quote(text + " zebra")}},"truncate":true,"truncation_direction":"Left"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(VectorAssert.Cosine(Floats(right![0]), Floats(left![0])) < 0.99999, "left and right truncation gave the same vector");
    }

    [Fact]
    public async Task Models_without_a_tokenizer_keep_their_tensor_api()
    {
        (HttpStatusCode status, _, _) = await PostAsync("/v2/models/tiny/infer",
            """{"inputs":[{"name":"x","datatype":"FP32","shape":[1,16],"data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _, _) = await PostAsync("/v2/models/minilm/infer",
            """{"inputs":[{"name":"input_ids","datatype":"INT64","shape":[1,3],"data":[101,7592,102]},{"name":"attention_mask","datatype":"INT64","shape":[1,3],"data":[1,1,1]},{"name":"token_type_ids","datatype":"INT64","shape":[1,3],"data":[0,0,0]}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private async Task<double> MetricAsync(string name)
    {
        string text = await Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains("model=\"minilm\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static float[] FromBase64(string text)
    {
        byte[] bytes = Convert.FromBase64String(text);
        var floats = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        return floats;
    }
}
