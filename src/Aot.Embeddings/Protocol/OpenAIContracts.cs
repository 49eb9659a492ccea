using System.Text.Json.Serialization;

namespace Aot.Embeddings.Protocol;

/// <summary>OpenAI's error body: <c>{"error": {"message", "type", "param", "code"}}</c> (OpenAI's SDKs read <c>error.message</c>).</summary>
/// <param name="Error">The error.</param>
public sealed record class OpenAIErrorResponse(OpenAIError Error)
{
    /// <summary>The OpenAI form of a TEI-style refusal.</summary>
    public static OpenAIErrorResponse From(int status, string message, string? param = null, string? code = null) =>
        new(new OpenAIError(message, status switch
        {
            429 => "rate_limit_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        }, param, code));
}

/// <summary>OpenAI's error object; <c>param</c> and <c>code</c> are written as null when unknown, as OpenAI does.</summary>
/// <param name="Message">What was wrong.</param>
/// <param name="Type"><c>invalid_request_error</c>, <c>rate_limit_error</c> or <c>server_error</c>.</param>
/// <param name="Param">The request field at fault, if known.</param>
/// <param name="Code">A machine-readable code (<c>model_not_found</c>), if any.</param>
public sealed record class OpenAIError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>One entry of OpenAI's <c>GET /v1/models</c>.</summary>
/// <param name="Id">The served model's name.</param>
/// <param name="Created">Unix seconds when the server loaded it.</param>
public sealed record class OpenAIModel(string Id, long Created)
{
    /// <summary>Always <c>model</c>.</summary>
    public string Object { get; init; } = "model";

    /// <summary>Always <c>aot</c>.</summary>
    public string OwnedBy { get; init; } = "aot";
}

/// <summary>OpenAI's <c>GET /v1/models</c> response.</summary>
/// <param name="Data">The models.</param>
public sealed record class OpenAIModelList(IReadOnlyList<OpenAIModel> Data)
{
    /// <summary>Always <c>list</c>.</summary>
    public string Object { get; init; } = "list";
}
