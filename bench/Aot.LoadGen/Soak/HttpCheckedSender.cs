using System.Net;
using System.Text.Json;

namespace Aot.LoadGen.Soak;

/// <summary>
/// Checked client over HTTP JSON: POSTs a request of <paramref name="requests"/> and checks a 200's values
/// (KServe V2 on the tiny model, TEI's <c>/embed</c>); 429/503 is an overload, any other status an error.
/// </summary>
internal sealed class HttpCheckedSender(string protocol, HttpClient client, Uri url, IHttpRequestSet requests) : ICheckedSender
{
    public string Protocol => protocol;

    public async Task<(AnswerOutcome Outcome, string? Detail)> SendAsync(int sequence, CancellationToken timeout)
    {
        (HttpStatusCode status, byte[] body) = await HttpAnswers.PostJsonAsync(client, url, requests.Body(sequence), timeout).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            return HttpAnswers.NotOk(status, body);
        }

        try
        {
            return requests.Mismatch(sequence, body) is { } mismatch ? (AnswerOutcome.Wrong, mismatch) : (AnswerOutcome.Correct, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (AnswerOutcome.Wrong, $"unreadable answer ({ex.Message}): {HttpAnswers.Excerpt(body)}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
