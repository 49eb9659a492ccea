using System.Text.Json;
using Aot.Server.Batching;
using Microsoft.AspNetCore.Http;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Server.Http;

/// <summary>Error answers of every HTTP API: <c>{"error": "..."}</c> with the status of the failure.</summary>
internal static class HttpErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128 + message.Length);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            JsonSerializer.Serialize(json, new ErrorDocument(message), ServerJsonContext.Default.ErrorDocument);
        }

        return HttpJson.WriteAsync(context, status, buffer);
    }

    /// <summary>Maps a failure to its status and message. Bad input is never a 500.</summary>
    public static (int Status, string Message) Classify(Exception exception) => exception switch
    {
        InferenceException ex => (StatusOf(ex.Code), ex.Message),
        JsonException ex => (400, $"Malformed JSON: {ex.Message}"),
        InvalidOperationException ex when IsJsonReaderError(ex) => (400, $"Malformed JSON: {ex.Message}"),
        FormatException ex => (400, ex.Message),
        Microsoft.AspNetCore.Http.BadHttpRequestException ex => (ex.StatusCode, ex.Message),
        _ => (500, exception.Message),
    };

    // Utf8JsonReader's refusals of the text itself (invalid UTF-8, a lone surrogate, a token of another type) are
    // InvalidOperationExceptions that System.Text.Json marks with Source "System.Text.Json.Rethrowable" (so that its
    // serializer rethrows them as JsonException); matching only "System.Text.Json" made them 500s (found by fuzzing).
    private static bool IsJsonReaderError(InvalidOperationException exception) =>
        exception.Source is { } source && source.StartsWith("System.Text.Json", StringComparison.Ordinal);

    // The binary protocol's error codes are the HTTP statuses of the same failures by design (docs/protocol.md), so one
    // table maps both.
    public static int StatusOf(ErrorCode code) => WireErrorCodes.ToWire(code);

    public static ErrorCode ToCode(int status) => status is > 0 and <= ushort.MaxValue ? WireErrorCodes.FromWire((ushort)status) : ErrorCode.InternalError;
}
