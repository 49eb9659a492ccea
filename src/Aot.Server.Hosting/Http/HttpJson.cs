using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Aot.Server.Http;

/// <summary>How every HTTP API of the server writes JSON.</summary>
internal static class HttpJson
{
    /// <summary>JSON answers are not embedded in HTML: quotes and non-ASCII need no escaping.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Answers with <paramref name="status"/> and the JSON document written into <paramref name="document"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, ArrayBufferWriter<byte> document)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = document.WrittenCount;
        return response.Body.WriteAsync(document.WrittenMemory).AsTask();
    }
}
