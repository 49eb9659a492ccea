namespace Aot.LoadGen.Resources;

/// <summary>A process's resource use over a run's window: RSS peak and median (MB), CPU seconds used.</summary>
internal sealed record ResourceWindow(double PeakRssMb, double SteadyRssMb, double CpuSeconds, int Samples)
{
    public static ResourceWindow Empty { get; } = new(0, 0, 0, 0);

    /// <summary>Summarises samples in time order: peak = largest RSS, steady = median RSS, CPU = last − first.</summary>
    public static ResourceWindow From(IReadOnlyList<ProcSample> samples)
    {
        if (samples.Count == 0)
        {
            return Empty;
        }

        long[] rss = [.. samples.Select(s => s.RssKb).Order()];
        double median = rss.Length % 2 == 1 ? rss[rss.Length / 2] : (rss[(rss.Length / 2) - 1] + rss[rss.Length / 2]) / 2.0;
        return new ResourceWindow(rss[^1] / 1024.0, median / 1024.0, samples[^1].CpuSeconds - samples[0].CpuSeconds, samples.Count);
    }
}
