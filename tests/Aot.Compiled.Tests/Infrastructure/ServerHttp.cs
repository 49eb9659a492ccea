using System.Net;
using System.Text;

namespace Aot.Compiled.Tests.Infrastructure;

/// <summary>JSON requests to a test server.</summary>
internal static class ServerHttp
{
    public static async Task<(HttpStatusCode Status, string Body)> PostAsync(this ServerProcess server, string path, string body)
    {
        using HttpResponseMessage response = await server.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
