using System.Text.Json;

namespace Aot.Server.Http;

/// <summary>How every HTTP API of the server writes JSON.</summary>
internal static class HttpJson
{
    /// <summary>JSON answers are not embedded in HTML: quotes and non-ASCII need no escaping.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
}
