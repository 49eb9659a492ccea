using System.Diagnostics;

namespace Aot.Server.Tuning;

/// <summary>
/// Closed-loop load: N clients, each with its own connection and one request in flight, send back to back for a
/// warm-up and then a timed window. Requests completing inside the window count; their latencies give exact
/// percentiles (every sample is kept and sorted: a window holds at most some hundred thousand, so no histogram is needed).
/// </summary>
internal static class LoadDriver
{
    public static async Task<Measurement> MeasureAsync(TuneWorkload workload, int binaryPort, int httpPort, int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        ILoadClient[] clients = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => workload.ConnectAsync(binaryPort, httpPort, i, cancellationToken))).ConfigureAwait(false);
        try
        {
            long windowStart = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
            long windowEnd = windowStart + (long)(window.TotalSeconds * Stopwatch.Frequency);
            Task<(TimeSpan Cpu, long At)> cpuAtStart = SampleCpuAtAsync(windowStart, cancellationToken);
            Task<(TimeSpan Cpu, long At)> cpuAtEnd = SampleCpuAtAsync(windowEnd, cancellationToken);
            var latencies = new List<long>[concurrency];
            long errors = 0;
            await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
            {
                var mine = latencies[i] = new List<long>(4096);
                while (true)
                {
                    long started = Stopwatch.GetTimestamp();
                    if (started >= windowEnd)
                    {
                        return;
                    }

                    try
                    {
                        await client.SendAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }

                    long finished = Stopwatch.GetTimestamp();
                    if (finished >= windowStart && finished < windowEnd)
                    {
                        mine.Add(finished - started);
                    }
                }
            }, cancellationToken))).ConfigureAwait(false);

            (TimeSpan cpuStart, long at0) = await cpuAtStart.ConfigureAwait(false);
            (TimeSpan cpuEnd, long at1) = await cpuAtEnd.ConfigureAwait(false);
            long[] all = [.. latencies.SelectMany(static l => l)];
            Array.Sort(all);
            double seconds = (at1 - at0) / (double)Stopwatch.Frequency;
            return new Measurement(concurrency, all.Length / seconds, PercentileMs(all, 50), PercentileMs(all, 99), (cpuEnd - cpuStart).TotalSeconds / seconds, all.Length, errors);
        }
        finally
        {
            foreach (ILoadClient client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<(TimeSpan Cpu, long At)> SampleCpuAtAsync(long timestamp, CancellationToken cancellationToken)
    {
        TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        using Process self = Process.GetCurrentProcess();
        return (self.TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    private static double PercentileMs(long[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        int index = Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }
}
