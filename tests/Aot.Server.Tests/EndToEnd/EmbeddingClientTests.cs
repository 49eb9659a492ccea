using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aot.Embeddings.Tests;
using Aot.Extensions.AI;
using Aot.Server.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// Real .NET clients against `aot serve`'s <c>/v1/embeddings</c>: the official OpenAI SDK (float and base64
/// encodings) and Microsoft.Extensions.AI's adapter over it, each with sentence-transformers' vectors (cosine ≥ 0.9999);
/// and the in-process <see cref="AotEmbeddingGenerator"/> gives the server's vectors for the same texts.
/// </summary>
public sealed class EmbeddingClientTests(EmbeddingServerFixture fixture) : IClassFixture<EmbeddingServerFixture>
{
    /// <summary>The reference sentences the server embeds without truncation (OpenAI requests cannot ask for it).</summary>
    private static IReadOnlyList<ReferenceSentence> Sentences =>
        [.. ReferenceData.Load("minilm").Sentences.Where(s => s.BertIds.Length <= 512)];

    private (EmbeddingClient Client, RequestCapturePolicy Requests) CreateClient(string model = "minilm")
    {
        var requests = new RequestCapturePolicy();
        var options = new OpenAIClientOptions { Endpoint = new Uri($"http://127.0.0.1:{fixture.Server.HttpPort}/v1") };
        options.AddPolicy(requests, PipelinePosition.PerCall);
        return (new EmbeddingClient(model, new ApiKeyCredential("not-checked"), options), requests);
    }

    [Fact]
    public async Task The_OpenAI_SDK_gets_the_reference_vectors()
    {
        (EmbeddingClient client, RequestCapturePolicy requests) = CreateClient();
        IReadOnlyList<ReferenceSentence> sentences = Sentences;
        ClientResult<OpenAIEmbeddingCollection> result = await client.GenerateEmbeddingsAsync(sentences.Select(s => s.Text));

        OpenAIEmbeddingCollection embeddings = result.Value;
        Assert.Equal(sentences.Count, embeddings.Count);
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(i, embeddings[i].Index);
            VectorAssert.Close(sentences[i].BertVector, embeddings[i].ToFloats().Span, $"OpenAI SDK '{sentences[i]}'");
        }

        Assert.Equal("minilm", embeddings.Model);
        Assert.Equal(sentences.Sum(s => s.BertIds.Length), embeddings.Usage.InputTokenCount);
        Assert.Equal(embeddings.Usage.InputTokenCount, embeddings.Usage.TotalTokenCount);
        // What the SDK sent: it asks for base64 on its own.
        JsonNode sent = JsonNode.Parse(requests.Bodies.Single())!;
        Assert.Equal("base64", (string?)sent["encoding_format"]);
        Assert.Equal("minilm", (string?)sent["model"]);
    }

    [Fact]
    public async Task The_OpenAI_SDK_gets_float_encoded_vectors_too()
    {
        // The SDK's typed methods always ask for base64; its protocol method sends the body as written, and the SDK's
        // own model reader parses the float answer.
        (EmbeddingClient client, _) = CreateClient();
        IReadOnlyList<ReferenceSentence> sentences = Sentences;
        string body = JsonSerializer.Serialize(new { input = sentences.Select(s => s.Text).ToArray(), model = "minilm", encoding_format = "float" });
        ClientResult result = await client.GenerateEmbeddingsAsync(BinaryContent.Create(BinaryData.FromString(body)));

        BinaryData response = result.GetRawResponse().Content;
        Assert.True(JsonNode.Parse(response.ToString())!["data"]![0]!["embedding"] is JsonArray, "float encoding answers a JSON array");
        OpenAIEmbeddingCollection embeddings = ModelReaderWriter.Read<OpenAIEmbeddingCollection>(response)!;
        Assert.Equal(sentences.Count, embeddings.Count);
        for (int i = 0; i < sentences.Count; i++)
            VectorAssert.Close(sentences[i].BertVector, embeddings[i].ToFloats().Span, $"OpenAI SDK float '{sentences[i]}'");
    }

    [Fact]
    public async Task The_OpenAI_SDK_passes_dimensions_and_a_user_id()
    {
        (EmbeddingClient client, RequestCapturePolicy requests) = CreateClient();
        ReferenceSentence hello = Sentences.Single(s => s.Text == "hello world");
        OpenAIEmbedding embedding = (await client.GenerateEmbeddingAsync("hello world", new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 128, EndUserId = "user-1" })).Value;
        JsonNode sent = JsonNode.Parse(requests.Bodies.Single())!;
        Assert.Equal(128, (int?)sent["dimensions"]);
        Assert.Equal("user-1", (string?)sent["user"]); // a field the server does not use is accepted
        float[] expected = hello.BertVector[..128];
        Aot.Embeddings.Pooling.EmbeddingPooling.Normalize(expected);
        Assert.Equal(128, embedding.ToFloats().Length);
        VectorAssert.Close(expected, embedding.ToFloats().Span, "hello world, 128 dimensions");
    }

    [Fact]
    public async Task The_Microsoft_Extensions_AI_adapter_gets_the_reference_vectors()
    {
        (EmbeddingClient client, _) = CreateClient();
        using IEmbeddingGenerator<string, Embedding<float>> generator = client.AsIEmbeddingGenerator();
        IReadOnlyList<ReferenceSentence> sentences = Sentences;
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(sentences.Select(s => s.Text));

        Assert.Equal(sentences.Count, embeddings.Count);
        for (int i = 0; i < sentences.Count; i++)
        {
            VectorAssert.Close(sentences[i].BertVector, embeddings[i].Vector.Span, $"M.E.AI '{sentences[i]}'");
            Assert.Equal("minilm", embeddings[i].ModelId);
        }

        Assert.Equal(sentences.Sum(s => (long)s.BertIds.Length), embeddings.Usage?.InputTokenCount);
        Embedding<float> small = (await generator.GenerateAsync(["hello world"], new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = 64 }))[0];
        Assert.Equal(64, small.Dimensions);
    }

    [Fact]
    public async Task The_in_process_generator_gives_the_servers_vectors()
    {
        (EmbeddingClient client, _) = CreateClient();
        using IEmbeddingGenerator<string, Embedding<float>> server = client.AsIEmbeddingGenerator();
        using var inProcess = AotEmbeddingGenerator.Load(TestModels.MiniLm, options: new AotEmbeddingGeneratorOptions { ModelId = "minilm" });
        IReadOnlyList<ReferenceSentence> sentences = Sentences;

        foreach (int? dimensions in (int?[])[null, 128])
        {
            var options = new Microsoft.Extensions.AI.EmbeddingGenerationOptions { Dimensions = dimensions };
            GeneratedEmbeddings<Embedding<float>> remote = await server.GenerateAsync(sentences.Select(s => s.Text), options);
            GeneratedEmbeddings<Embedding<float>> local = await inProcess.GenerateAsync(sentences.Select(s => s.Text), options);
            Assert.Equal(remote.Count, local.Count);
            Assert.Equal(remote.Usage?.InputTokenCount, local.Usage?.InputTokenCount);
            for (int i = 0; i < remote.Count; i++)
            {
                string what = $"'{sentences[i]}', dimensions {dimensions?.ToString() ?? "all"}";
                Assert.Equal(remote[i].Dimensions, local[i].Dimensions);
                VectorAssert.Close(remote[i].Vector.Span, local[i].Vector.Span, what);
                // Same texts, same batch, same code: equal up to float noise, not merely close.
                float largest = 0;
                for (int d = 0; d < remote[i].Dimensions; d++)
                    largest = Math.Max(largest, Math.Abs(remote[i].Vector.Span[d] - local[i].Vector.Span[d]));
                Assert.True(largest < 1e-5f, $"{what}: largest difference {largest}");
            }
        }
    }
}
