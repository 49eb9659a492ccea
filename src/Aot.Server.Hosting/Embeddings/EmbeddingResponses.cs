using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aot.Embeddings.Protocol;
using Aot.Server.Http;
using Aot.Server.Metrics;
using Microsoft.AspNetCore.Http;

namespace Aot.Server.Embeddings;

/// <summary>
/// How the text routes answer outside the hot path: JSON values, and errors in the caller's dialect — TEI's
/// <c>{"error", "error_type"}</c>, or OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c> on <c>/v1/...</c>
/// routes, whose SDKs read <c>error.message</c>.
/// </summary>
internal static class EmbeddingResponses
{
    /// <summary>
    /// Writes the error body for a failed text request and returns its outcome: a refusal's own status and type
    /// (<see cref="EmbeddingRequestException"/>), else the status the server gives that exception.
    /// </summary>
    public static async Task<RequestOutcome> WriteFailureAsync(HttpContext context, bool openAI, Exception exception)
    {
        if (exception is EmbeddingRequestException refusal)
        {
            await WriteErrorAsync(context, openAI, refusal.StatusCode, refusal.ErrorType, refusal.Message).ConfigureAwait(false);
            return refusal.StatusCode switch
            {
                413 => RequestOutcome.PayloadTooLarge,
                404 => RequestOutcome.NotFound,
                _ => RequestOutcome.BadRequest,
            };
        }

        (int status, string message) = HttpErrors.Classify(exception);
        await WriteErrorAsync(context, openAI, status, ErrorType(status), message).ConfigureAwait(false);
        return RequestOutcomes.FromCode(HttpErrors.ToCode(status));
    }

    /// <summary>TEI's error types for statuses the batcher and HTTP layer produce.</summary>
    public static string ErrorType(int status) => status switch
    {
        413 or 400 or 404 or 422 => "validation",
        429 => "overloaded",
        503 => "unhealthy",
        _ => "backend",
    };

    public static Task WriteErrorAsync(HttpContext context, bool openAI, int status, string errorType, string message)
    {
        if (!openAI)
        {
            return WriteAsync(context, status, new ErrorResponse(message, errorType), EmbeddingsJsonContext.Default.ErrorResponse);
        }

        OpenAIErrorResponse body = status == 404
            ? OpenAIErrorResponse.From(status, message, param: "model", code: "model_not_found")
            : OpenAIErrorResponse.From(status, message, code: errorType);
        return WriteAsync(context, status, body, EmbeddingsJsonContext.Default.OpenAIErrorResponse);
    }

    public static Task WriteAsync<T>(HttpContext context, int status, T value, JsonTypeInfo<T> typeInfo)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        return HttpJson.WriteAsync(context, status, buffer);
    }
}
