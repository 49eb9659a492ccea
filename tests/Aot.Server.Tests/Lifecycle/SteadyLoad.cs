using System.Text;
using System.Text.Json.Nodes;
using Aot.Client;
using Aot.Server.Hosting;

namespace Aot.Server.Tests.Lifecycle;

/// <summary>
/// 16 clients sending requests to <see cref="VersionedRepository.Model"/> back to back until stopped: half over HTTP
/// (KServe V2 JSON), half over the binary protocol. Every answer is checked (x + v, the same v in all four values) and
/// the newest version seen is kept; every failure is kept with its message.
/// </summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    private const string Body = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[10,20,30,40]}]}""";
    private static readonly float[] Input = [10, 20, 30, 40];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _failures = new();
    private long _requests;
    private long _lastVersion;

    private SteadyLoad()
    {
    }

    public IReadOnlyCollection<string> Failures => _failures;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The version that computed the most recent answer.</summary>
    public long LastVersion => Interlocked.Read(ref _lastVersion);

    public static async Task<SteadyLoad> StartAsync(InProcessServer server, int httpClients = 8, int binaryClients = 8)
    {
        var load = new SteadyLoad();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        for (int i = 0; i < httpClients; i++)
        {
            load._clients.Add(Task.Run(() => load.HttpLoopAsync(http)));
        }

        for (int i = 0; i < binaryClients; i++)
        {
            AotClient client = await AotClient.ConnectAsync("127.0.0.1", server.BinaryPort);
            load._clients.Add(Task.Run(() => load.BinaryLoopAsync(client)));
        }

        return load;
    }

    /// <summary>Waits until answers come from <paramref name="version"/> (a guard against a hang, not a speed check).</summary>
    public async Task WaitForVersionAsync(long version)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (LastVersion != version)
        {
            await Task.Delay(20, guard.Token);
        }

        // Every client's next answer comes from it too: no client is left on the old version.
        long seen = Requests;
        while (Requests < seen + 64)
        {
            await Task.Delay(10, guard.Token);
        }

        Assert.Equal(version, LastVersion);
    }

    private void Record(ReadOnlySpan<float> y, string via)
    {
        Interlocked.Increment(ref _requests);
        float version = y[0] - Input[0];
        for (int i = 0; i < Input.Length; i++)
        {
            if (y[i] - Input[i] != version)
            {
                _failures.Enqueue($"{via}: inconsistent answer {string.Join(",", y.ToArray())}");
                return;
            }
        }

        Interlocked.Exchange(ref _lastVersion, (long)version);
    }

    private async Task HttpLoopAsync(HttpClient http)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using HttpResponseMessage response = await http.PostAsync("/v2/models/add/infer", new StringContent(Body, Encoding.UTF8, "application/json"));
                string text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    _failures.Enqueue($"HTTP {(int)response.StatusCode}: {text}");
                    continue;
                }

                float[] y = [.. JsonNode.Parse(text)!["outputs"]![0]!["data"]!.AsArray().Select(static v => (float)v!)];
                Record(y, "HTTP");
            }
            catch (Exception ex)
            {
                _failures.Enqueue($"HTTP: {ex.Message}");
            }
        }
    }

    private async Task BinaryLoopAsync(AotClient client)
    {
        await using (client)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using InferResult result = await client.InferAsync(VersionedRepository.Model, [InputTensor.Create("x", [1, 4], Input)]);
                    Record(result["y"].AsSpan<float>(), "binary");
                }
                catch (Exception ex)
                {
                    _failures.Enqueue($"binary: {ex.Message}");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }
}
