using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Aot.LoadGen.Soak;

/// <summary>Reads the HTTP answers of the checked clients: the overload statuses, KServe V2 outputs, /embed vectors.</summary>
internal static class HttpAnswers
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>POSTs a JSON body and reads the whole answer.</summary>
    public static async Task<(HttpStatusCode Status, byte[] Body)> PostJsonAsync(HttpClient client, Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using HttpResponseMessage response = await client.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>How a non-200 answer is counted: an overload, or an error described by its status and body.</summary>
    public static (AnswerOutcome Outcome, string? Detail) NotOk(HttpStatusCode status, byte[] body) =>
        IsOverload(status) ? (AnswerOutcome.Overload, null) : (AnswerOutcome.Error, $"HTTP {(int)status} {Excerpt(body)}");

    /// <summary>Whether <paramref name="status"/> is an explicit overload answer (429 Too Many Requests, 503 Service Unavailable).</summary>
    public static bool IsOverload(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>The <c>data</c> of a KServe V2 response's first output, as floats.</summary>
    /// <exception cref="JsonException">Not a KServe V2 response with a numeric first output.</exception>
    public static float[] KServeFirstOutput(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        if (!document.RootElement.TryGetProperty("outputs", out JsonElement outputs) || outputs.GetArrayLength() == 0
            || !outputs[0].TryGetProperty("data", out JsonElement data))
        {
            throw new JsonException("The answer has no outputs[0].data.");
        }

        return [.. data.EnumerateArray().Select(v => v.GetSingle())];
    }

    /// <summary>The vectors of a TEI <c>/embed</c> answer: a JSON array of arrays of numbers.</summary>
    /// <exception cref="JsonException">Not an array of arrays of numbers.</exception>
    public static float[][] EmbedVectors(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The /embed answer is not an array of vectors.");
        }

        return [.. document.RootElement.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
    }

    /// <summary>The first 200 characters of a body, for a failure's description.</summary>
    public static string Excerpt(byte[] body)
    {
        string text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        return text.ReplaceLineEndings(" ");
    }
}
