namespace Aot.Server.Http;

/// <summary>The body of every HTTP error answer: <c>{"error": "..."}</c>.</summary>
internal sealed record ErrorDocument(string Error);
