using Aot.Server.Embeddings;
using Aot.Server.Http;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Aot.Server.Security;

/// <summary>
/// Bearer authentication for every HTTP route: one middleware in front of all endpoints, so a route added later is
/// protected without doing anything. Only the health routes are open (unless <c>--auth-health</c>); gRPC calls are
/// left to <see cref="GrpcApiKeyInterceptor"/>, which answers in gRPC's terms. A refusal is 401 with
/// <c>WWW-Authenticate: Bearer</c> and the error body of the route's API family.
/// </summary>
internal static class ApiKeyMiddleware
{
    /// <summary>The routes a load balancer or orchestrator probes without a key (KServe V2 and TEI health).</summary>
    private static readonly HashSet<string> HealthRoutes = new(StringComparer.Ordinal) { "/v2/health/live", "/v2/health/ready", "/health" };

    /// <summary>TEI's routes (also under <c>/models/{model}</c>): their errors are <c>{"error", "error_type"}</c>.</summary>
    private static readonly HashSet<string> TeiRoutes = new(StringComparer.Ordinal) { "", "embed", "embed_all", "tokenize", "decode", "info", "predict", "rerank", "health" };

    public static void Use(WebApplication app, ApiKeys keys, bool protectHealth) =>
        app.Use(next => context => IsAllowed(context, keys, protectHealth) ? next(context) : RefuseAsync(context));

    private static bool IsAllowed(HttpContext context, ApiKeys keys, bool protectHealth)
    {
        // Routing has run: the decision is about the endpoint that would answer, not the raw path.
        Endpoint? endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            return true;
        }

        if (!protectHealth && endpoint is RouteEndpoint { RoutePattern.RawText: { } route } && HealthRoutes.Contains(route))
        {
            return true;
        }

        return keys.Accepts(ApiKeys.BearerToken(context.Request.Headers.Authorization.ToString()));
    }

    private static Task RefuseAsync(HttpContext context)
    {
        bool sentKey = !ApiKeys.BearerToken(context.Request.Headers.Authorization.ToString()).IsEmpty;
        // RFC 6750: a missing key gets the bare challenge, a wrong one says the token is invalid.
        context.Response.Headers[HeaderNames.WWWAuthenticate] = sentKey ? "Bearer error=\"invalid_token\"" : "Bearer";
        string message = sentKey
            ? "The API key is not valid."
            : "This route needs an API key: send it as 'Authorization: Bearer <key>'.";
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        if (route is "/v1/embeddings" or "/v1/models")
        {
            return EmbeddingResponses.WriteErrorAsync(context, openAI: true, StatusCodes.Status401Unauthorized, "invalid_api_key", message);
        }

        string lastSegment = route.StartsWith('/') ? route[(route.LastIndexOf('/') + 1)..] : route;
        return route.Length > 0 && TeiRoutes.Contains(lastSegment)
            ? EmbeddingResponses.WriteErrorAsync(context, openAI: false, StatusCodes.Status401Unauthorized, "unauthorized", message)
            : HttpErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, message);
    }
}
