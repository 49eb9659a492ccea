using System.Diagnostics;
using System.Globalization;
using Aot.Server.Batching;
using Microsoft.AspNetCore.Http;

namespace Aot.Server.Http;

/// <summary>The optional per-request deadline header every HTTP API honours.</summary>
internal static class HttpDeadline
{
    /// <summary>Optional request header: the request's deadline in milliseconds from receipt.</summary>
    public const string Header = "Aot-Timeout-Ms";

    /// <summary>Sets the request's deadline from the optional <see cref="Header"/>.</summary>
    public static void Apply(HttpRequest httpRequest, InferenceRequest request)
    {
        if (httpRequest.Headers.TryGetValue(Header, out var timeoutText))
        {
            if (!long.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out long timeoutMs))
            {
                throw InferenceException.BadRequest($"Header {Header} must be a whole number of milliseconds.");
            }

            request.DeadlineAt = request.ReceivedAt + (timeoutMs * Stopwatch.Frequency / 1000);
        }
    }
}
