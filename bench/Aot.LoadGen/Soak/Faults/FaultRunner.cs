using System.Net.Sockets;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>
/// Runs every fault kind beside the load until stopped: each kind's clients loop, one attempt at a time, and each
/// attempt is counted in a <see cref="FaultTally"/>. An attempt gets <see cref="AttemptLimit"/>; one still running then
/// is counted as unanswered. Stopping cancels attempts in flight, which are then not counted.
/// </summary>
internal static class FaultRunner
{
    /// <summary>Longest one attempt may take (a slow client's whole trickle fits in it).</summary>
    public static readonly TimeSpan AttemptLimit = TimeSpan.FromSeconds(60);

    /// <summary>Every kind the soak runs.</summary>
    public static IReadOnlyList<FaultClient> All { get; } =
    [
        new HttpDisconnectMidRequest(), new HttpDisconnectMidResponse(), new BinaryDisconnectMidResponse(), new HalfBinaryFrame(),
        new SlowHeaders(), new SlowBody(), new OversizedHttp(), new OversizedBinary(), new MalformedHttp(), new MalformedBinary(),
    ];

    public static Task RunAsync(IReadOnlyList<FaultClient> kinds, FaultContext context, FaultTally tally, CancellationToken stop) =>
        Task.WhenAll(kinds.SelectMany(kind => Enumerable.Range(0, kind.Concurrency).Select(client => Task.Run(() => LoopAsync(kind, client, context, tally, stop), CancellationToken.None))));

    private static async Task LoopAsync(FaultClient kind, int client, FaultContext context, FaultTally tally, CancellationToken stop)
    {
        for (int attempt = client; !stop.IsCancellationRequested; attempt += kind.Concurrency)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
            limit.CancelAfter(AttemptLimit);
            FaultResult result;
            try
            {
                result = await kind.RunOnceAsync(context, attempt, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                result = FaultResult.Unexpected($"still unanswered after {AttemptLimit.TotalSeconds:0} s");
            }
            catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
            {
                result = FaultResult.Unexpected($"{ex.GetType().Name}: {ex.Message}");
            }

            tally.Record(kind.Name, result);
            try
            {
                await Task.Delay(kind.Pause, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
