namespace Aot.Server.Metrics;

/// <summary>
/// The metrics of one served model (one label set), as plain fields updated with <see cref="Interlocked"/>:
/// recording allocates nothing. Gauges that the batcher owns (queue depth, in-flight) are read from it when
/// the exposition is written.
/// </summary>
internal sealed class ModelMetrics(string model, string version)
{
    private readonly long[] _outcomes = new long[RequestOutcomes.Count];
    private readonly long[] _protocols = new long[RequestProtocols.Count];
    private long _tokens;
    private long _paddedTokens;
    private long _memoryReleases;

    public string Model { get; } = model;

    public string Version { get; } = version;

    /// <summary>Receipt to response written, per request.</summary>
    public Histogram RequestDuration { get; } = Histogram.ForLatency();

    /// <summary>Time spent queued before the request's batch started.</summary>
    public Histogram QueueDuration { get; } = Histogram.ForLatency();

    /// <summary>Time of each batch run (one observation per batch).</summary>
    public Histogram ComputeDuration { get; } = Histogram.ForLatency();

    /// <summary>Rows per batch run.</summary>
    public Histogram BatchSize { get; } = new(Histogram.BatchSizeBounds);

    /// <summary>Per batch on a padding model: the share of its padded tokens (rows × longest) that is padding.</summary>
    public Histogram PaddingRatio { get; } = new(Histogram.RatioBounds, scale: 1e6);

    /// <summary>Tokens (<see cref="Batching.PaddedLength"/> × rows) the requests brought, over all batches.</summary>
    public long Tokens => Volatile.Read(ref _tokens);

    /// <summary>Tokens the batches computed, padding included.</summary>
    public long PaddedTokens => Volatile.Read(ref _paddedTokens);

    public void RecordTokens(long real, long padded)
    {
        Interlocked.Add(ref _tokens, real);
        Interlocked.Add(ref _paddedTokens, padded);
        PaddingRatio.Observe(padded == 0 ? 0 : (double)(padded - real) / padded);
    }

    /// <summary>Times a worker gave its runtime's memory back after a burst (the idle release).</summary>
    public long MemoryReleases => Volatile.Read(ref _memoryReleases);

    public void RecordMemoryRelease() => Interlocked.Increment(ref _memoryReleases);

    /// <summary>Live gauges, read when metrics are scraped.</summary>
    public Func<int> QueueDepth { get; set; } = static () => 0;

    public Func<int> InFlight { get; set; } = static () => 0;

    public void Record(RequestOutcome outcome) => Interlocked.Increment(ref _outcomes[(int)outcome]);

    public long Count(RequestOutcome outcome) => Volatile.Read(ref _outcomes[(int)outcome]);

    public void Record(RequestProtocol protocol) => Interlocked.Increment(ref _protocols[(int)protocol]);

    public long Count(RequestProtocol protocol) => Volatile.Read(ref _protocols[(int)protocol]);
}
