namespace Aot.LoadGen.Soak;

/// <summary>
/// One reading of the soak, every sampling interval under load and every second while waiting for idle: the server's
/// RSS, open fds and threads, its managed heap (<c>aot_dotnet_gc_heap_bytes</c> of <c>/metrics</c>: what of the RSS is
/// the GC's; null when the scrape failed), the machine's 1-minute load average, and per protocol the interval's latencies
/// and answers.
/// </summary>
/// <param name="Seconds">Seconds since the load started (negative: before it).</param>
/// <param name="Phase"><c>idle-before</c>, <c>load</c> or <c>idle-after</c>.</param>
internal sealed record SoakSample(double Seconds, string Phase, double RssMb, int OpenFds, int Threads, double? GcHeapMb, double LoadAverage, IReadOnlyList<ProtocolInterval> Protocols);

/// <summary>One protocol's figures over one sampling interval: latency of correct answers and the answers counted.</summary>
internal sealed record ProtocolInterval(string Protocol, double P50Ms, double P99Ms, long Correct, long Overloads, long Failures);
