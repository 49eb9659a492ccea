using System.Text.Json;
using Aot.Embeddings.Tests;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// Clients nobody here wrote, from npm, against `aot serve`: Hugging Face's <c>@huggingface/inference</c>
/// (<c>featureExtraction</c> at the server's root URL, which posts to <c>POST /</c>, and at <c>/embed</c>) and OpenAI's
/// Node SDK (float and base64 embeddings, <c>models.list()</c>). tests/clients/node/clients.mjs drives them; every vector
/// must equal sentence-transformers' (cosine ≥ 0.9999).
/// </summary>
public sealed class NodeClientTests(EmbeddingServerFixture fixture) : IClassFixture<EmbeddingServerFixture>
{
    [Fact]
    public async Task Hugging_Face_and_OpenAI_npm_clients_get_the_reference_vectors()
    {
        ReferenceSentence[] sentences = [.. ReferenceData.Load("minilm").Sentences.Where(s => s.BertIds.Length is > 2 and <= 128).Take(6)];
        Assert.True(sentences.Length >= 4, "the reference set has short sentences");
        await NodeClients.InstallAsync();

        string output = await NodeClients.RunAsync("node", ["clients.mjs", $"http://127.0.0.1:{fixture.Server.HttpPort}", "minilm", .. sentences.Select(s => s.Text)]);
        using JsonDocument result = JsonDocument.Parse(output);
        JsonElement root = result.RootElement;

        // featureExtraction at the base URL posts one text to POST /, which answers as /embed: [[384 floats]].
        VectorAssert.Close(sentences[0].BertVector, Floats(root.GetProperty("hfRoot")[0]), "Hugging Face client at the root URL");
        foreach (string client in new[] { "hfEmbed", "openaiFloat", "openaiBase64" })
        {
            JsonElement vectors = root.GetProperty(client);
            Assert.Equal(sentences.Length, vectors.GetArrayLength());
            for (int i = 0; i < sentences.Length; i++)
            {
                VectorAssert.Close(sentences[i].BertVector, Floats(vectors[i]), $"{client} '{sentences[i]}'");
            }
        }

        Assert.Contains("minilm", root.GetProperty("models").EnumerateArray().Select(static m => m.GetString()));
    }

    private static float[] Floats(JsonElement vector) => [.. vector.EnumerateArray().Select(static v => v.GetSingle())];
}
