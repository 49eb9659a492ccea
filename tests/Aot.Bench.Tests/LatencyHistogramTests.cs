using Aot.LoadGen.Load;
using Xunit;

namespace Aot.Bench.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_one_to_a_thousand_microseconds()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++)
        {
            histogram.Record(i * 1000L);
        }

        LatencySummary summary = histogram.Summarize();
        Assert.Equal(1000, summary.Count);
        Assert.Equal(0.500, summary.P50, 0.001);
        Assert.Equal(0.900, summary.P90, 0.001);
        Assert.Equal(0.990, summary.P99, 0.001);
        Assert.Equal(1.000, summary.Max, 0.001);
        Assert.Equal(0.5005, summary.Mean, 0.001);
    }

    [Fact]
    public void Empty_histogram_reports_zeros()
    {
        Assert.Equal(LatencySummary.Empty, new LatencyHistogram().Summarize());
    }

    [Fact]
    public void Values_outside_the_range_are_clamped_and_counted()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(0);
        histogram.Record(LatencyHistogram.HighestNanoseconds * 2);
        Assert.Equal(2, histogram.Count);
        Assert.Equal(LatencyHistogram.HighestNanoseconds / 1e6, histogram.MaxMs, LatencyHistogram.HighestNanoseconds / 1e6 * 0.001);
    }

    [Fact]
    public void Three_significant_digits_at_the_tail()
    {
        var histogram = new LatencyHistogram();
        for (int i = 0; i < 999; i++)
        {
            histogram.Record(100_000);
        }

        histogram.Record(123_456_789);
        Assert.Equal(0.1, histogram.PercentileMs(50), 0.0001);
        Assert.Equal(123.456789, histogram.PercentileMs(99.95), 0.2);
    }
}
