using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>Posts JSON to a TEI-style route, optionally naming the model with <c>X-Model</c>; the status and the parsed body come back.</summary>
internal static class TeiHttp
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient http, string path, string json, string? model = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (model is not null)
        {
            message.Headers.Add("X-Model", model);
        }

        using HttpResponseMessage response = await http.SendAsync(message);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
