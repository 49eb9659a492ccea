using System.Net;
using Aot.LoadGen.Load;

namespace Aot.LoadGen.Soak;

/// <summary>
/// A readiness probe as an orchestrator runs it: <c>GET /v2/health/ready</c> every second on a new connection, with a
/// timeout of <see cref="Timeout"/>; counts answered (200) and failed probes (another status, a refused connection, or
/// no answer in time), and the slowest answer.
/// </summary>
internal sealed class HealthProber(Uri url) : IDisposable
{
    /// <summary>A probe unanswered this long has failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = Timeout };
    private readonly RunCounters _counters = new();
    private long _slowestTicks;

    public long Answered => _counters.Completed;

    public long Failed => _counters.Errors;

    /// <summary>Slowest answered probe, in milliseconds.</summary>
    public double SlowestMs => Clock.ToNanoseconds(Interlocked.Read(ref _slowestTicks)) / 1e6;

    public string? FirstFailure => _counters.FirstError;

    /// <summary>Probes every second until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            await ProbeOnceAsync().ConfigureAwait(false);
        }
        while (await Next(timer, stop).ConfigureAwait(false));
    }

    public void Dispose() => _client.Dispose();

    private static async Task<bool> Next(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ProbeOnceAsync()
    {
        long start = Clock.Now;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.ConnectionClose = true;
            using HttpResponseMessage response = await _client.SendAsync(request).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            _counters.AddError(ex is OperationCanceledException ? new TimeoutException($"no answer in {Timeout.TotalSeconds:0} s") : ex);
            return;
        }

        _counters.AddCompleted();
        long elapsed = Clock.Now - start;
        long slowest;
        while (elapsed > (slowest = Interlocked.Read(ref _slowestTicks)) && Interlocked.CompareExchange(ref _slowestTicks, elapsed, slowest) != slowest)
        {
        }
    }
}
