using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Security;

/// <summary>Bearer authentication on every HTTP route but health: 401 with <c>WWW-Authenticate</c> and each API family's error body.</summary>
public sealed class HttpApiKeyTests(ApiKeyServerFixture fixture) : IClassFixture<ApiKeyServerFixture>
{
    private const string TinyInfer = """{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}""";

    /// <summary>Inference, metadata, config, metrics, TF Serving, TEI and OpenAI routes, and an unknown route.</summary>
    public static TheoryData<string, string, string?> ProtectedRoutes => new()
    {
        { "POST", "/v2/models/tiny/infer", TinyInfer },
        { "POST", "/v2/models/tiny/versions/1/infer", TinyInfer },
        { "GET", "/v2", null },
        { "GET", "/v2/models/tiny", null },
        { "GET", "/v2/models/tiny/ready", null },
        { "GET", "/v2/models/tiny/config", null },
        { "GET", "/metrics", null },
        { "POST", "/v1/models/tiny:predict", """{"instances":[[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]]}""" },
        { "GET", "/v1/models/tiny", null },
        { "POST", "/embed", """{"inputs":"hello"}""" },
        { "POST", "/models/minilm/tokenize", """{"inputs":"hello"}""" },
        { "GET", "/info", null },
        { "POST", "/", """{"inputs":"hello"}""" },
        { "POST", "/v1/embeddings", """{"model":"minilm","input":"hello"}""" },
        { "GET", "/v1/models", null },
        { "GET", "/no/such/route", null },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task A_route_refuses_a_missing_or_wrong_key_and_answers_with_a_good_one(string method, string path, string? body)
    {
        using HttpResponseMessage missing = await SendAsync(method, path, body, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", Assert.Single(missing.Headers.WwwAuthenticate).ToString());
        Assert.Contains("Authorization: Bearer", await ErrorMessageAsync(path, missing));

        using HttpResponseMessage wrong = await SendAsync(method, path, body, key: "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(wrong.Headers.WwwAuthenticate).ToString());
        Assert.Equal("The API key is not valid.", await ErrorMessageAsync(path, wrong));

        using HttpResponseMessage good = await SendAsync(method, path, body, ApiKeyServerFixture.NewKey);
        Assert.Equal(path == "/no/such/route" ? HttpStatusCode.NotFound : HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Every_key_of_the_file_and_of_AOT_API_KEY_is_accepted_and_a_near_miss_is_not()
    {
        foreach (string key in ApiKeyServerFixture.AllKeys)
        {
            using HttpResponseMessage answer = await SendAsync("POST", "/v2/models/tiny/infer", TinyInfer, key);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The bearer scheme is case-insensitive (RFC 7235); the key is not, and neither a prefix nor an extension matches.
        using var lowerScheme = new HttpRequestMessage(HttpMethod.Get, "/v2/models/tiny");
        lowerScheme.Headers.TryAddWithoutValidation("Authorization", "bearer " + ApiKeyServerFixture.OldKey);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Http.SendAsync(lowerScheme)).StatusCode);
        foreach (string nearMiss in (string[])[ApiKeyServerFixture.OldKey.ToUpperInvariant(), ApiKeyServerFixture.OldKey[..^1], ApiKeyServerFixture.OldKey + "x", "# rotation: the new key first, the old one until every client has moved"])
        {
            using HttpResponseMessage answer = await SendAsync("GET", "/v2/models/tiny", null, nearMiss);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        // Another scheme carrying the key is not a bearer token.
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/v2/models/tiny");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", ApiKeyServerFixture.OldKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Server.Http.SendAsync(basic)).StatusCode);
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/health")]
    public async Task Health_routes_are_open_without_a_key(string path)
    {
        using HttpResponseMessage answer = await SendAsync("GET", path, null, key: null);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task The_output_never_holds_a_key_after_refused_and_accepted_requests()
    {
        foreach (string key in ApiKeyServerFixture.AllKeys)
        {
            (await SendAsync("POST", "/v2/models/tiny/infer", TinyInfer, key)).Dispose();
            (await SendAsync("POST", "/v2/models/tiny/infer", TinyInfer, key + "-wrong")).Dispose();
            (await SendAsync("POST", "/v1/embeddings", "{\"model\":\"minilm\",\"input\":\"hi\"}", key[1..])).Dispose();
        }

        string output = fixture.Server.Output;
        Assert.Contains("API key required (3 keys); health routes are open", output);
        foreach (string key in ApiKeyServerFixture.AllKeys)
        {
            Assert.DoesNotContain(key, output, StringComparison.Ordinal);
            Assert.DoesNotContain(key[..8], output, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await fixture.Server.Http.SendAsync(request);
    }

    /// <summary>The message of the route family's error body: OpenAI's <c>error.message</c>, else <c>error</c> (KServe, TEI with its <c>error_type</c>).</summary>
    private static async Task<string> ErrorMessageAsync(string path, HttpResponseMessage answer)
    {
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        using JsonDocument body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        JsonElement error = body.RootElement.GetProperty("error");
        if (path.StartsWith("/v1/embeddings", StringComparison.Ordinal) || path == "/v1/models")
        {
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
            return error.GetProperty("message").GetString()!;
        }

        bool tei = path is "/" or "/embed" or "/info" or "/models/minilm/tokenize";
        Assert.Equal(tei, body.RootElement.TryGetProperty("error_type", out JsonElement type));
        if (tei)
        {
            Assert.Equal("unauthorized", type.GetString());
        }

        return error.GetString()!;
    }
}
