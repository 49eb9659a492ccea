using System.Net;
using System.Net.Http.Headers;
using Aot.LoadGen.Load;

namespace Aot.LoadGen.Targets;

/// <summary>
/// An HTTP JSON API: the same prepared body POSTed to one URL. Used for KServe V2 (<c>kserve-http</c>) and the
/// peers' plain JSON (<c>peer-http</c>). One <see cref="HttpClient"/> with a connection per virtual client; the
/// whole answer is read; any status but 200 is an error.
/// </summary>
internal sealed class HttpJsonTarget : ITarget
{
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly byte[] _body;

    public HttpJsonTarget(string protocol, Uri url, byte[] body, int connections)
    {
        Protocol = protocol;
        _url = url;
        _body = body;
        _client = CreateClient(connections, TimeSpan.FromSeconds(120));
    }

    /// <summary>An HTTP/1.1 client keeping up to <paramref name="connections"/> connections open, no proxy, no decompression.</summary>
    public static HttpClient CreateClient(int connections, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(1, connections),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = timeout,
        DefaultRequestVersion = HttpVersion.Version11,
    };

    public string Protocol { get; }

    public ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IRequestSender>(new Sender(this));

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Sender(HttpJsonTarget target) : IRequestSender
    {
        private static readonly MediaTypeHeaderValue Json = new("application/json");

        public async ValueTask SendAsync(CancellationToken cancellationToken)
        {
            using var content = new ByteArrayContent(target._body);
            content.Headers.ContentType = Json;
            using var request = new HttpRequestMessage(HttpMethod.Post, target._url) { Content = content };
            using HttpResponseMessage response = await target._client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HttpRequestException($"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
