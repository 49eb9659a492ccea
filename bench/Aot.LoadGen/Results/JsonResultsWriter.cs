using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aot.LoadGen.Results;

/// <summary>Writes results.json: the whole <see cref="SuiteResults"/>, camelCase, indented.</summary>
internal static class JsonResultsWriter
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(SuiteResults results) => JsonSerializer.Serialize(results, Options);

    public static void Write(SuiteResults results, string path) => File.WriteAllText(path, Serialize(results));
}
