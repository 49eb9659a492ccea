using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CommunityToolkit.HighPerformance.Buffers;

namespace Aot.Server.Http;

/// <summary>
/// Tensor and datatype names as strings without a new string per request: the same few names arrive on every request
/// (once per row in TF Serving's <c>instances</c>), so they come from a shared pool. The pool is bounded and evicts, so
/// clients sending endless distinct names cost a little CPU, not memory.
/// </summary>
internal static class JsonNames
{
    /// <summary>The current string token's value; escaped or invalid UTF-8 text takes the reader's own path (and errors).</summary>
    public static string Get(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence || !Utf8.IsValid(reader.ValueSpan)
            ? reader.GetString()!
            : StringPool.Shared.GetOrAdd(reader.ValueSpan, Encoding.UTF8);
}
