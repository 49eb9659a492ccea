using Aot.LoadGen.Resources;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>The server's batch token counters read from /metrics, and the padding waste between two reads.</summary>
public class BatchTokenCountersTests
{
    private static string Metrics(long realA, long paddedA, long realB, long paddedB) =>
        "# HELP aot_batch_tokens_total Real tokens.\n# TYPE aot_batch_tokens_total counter\n" +
        $"aot_batch_tokens_total{{model=\"minilm-embed\",version=\"1\"}} {realA}\n" +
        $"aot_batch_tokens_total{{model=\"other\",version=\"1\"}} {realB}\n" +
        "# TYPE aot_batch_padded_tokens_total counter\n" +
        $"aot_batch_padded_tokens_total{{model=\"minilm-embed\",version=\"1\"}} {paddedA}\n" +
        $"aot_batch_padded_tokens_total{{model=\"other\",version=\"1\"}} {paddedB}\n" +
        "aot_batch_size_count{model=\"minilm-embed\",version=\"1\"} 12\n";

    [Fact]
    public void Both_counters_are_summed_over_every_model()
    {
        Assert.Equal(new BatchTokenCounters(110, 250), BatchTokenCounters.Parse(Metrics(100, 200, 10, 50)));
    }

    [Fact]
    public void Waste_is_padding_over_padded_positions_of_the_batches_between_the_reads()
    {
        BatchTokenCounters? before = BatchTokenCounters.Parse(Metrics(1000, 5000, 0, 0));
        // In the window: 900 real tokens in 1,000 computed positions, whatever came before.
        BatchTokenCounters? after = BatchTokenCounters.Parse(Metrics(1800, 5800, 100, 200));
        Assert.Equal(0.1, BatchTokenCounters.WasteBetween(before, after)!.Value, 12);
    }

    [Fact]
    public void No_batch_in_the_window_or_a_missing_read_gives_no_figure()
    {
        BatchTokenCounters? read = BatchTokenCounters.Parse(Metrics(100, 200, 0, 0));
        Assert.Null(BatchTokenCounters.WasteBetween(read, read));
        Assert.Null(BatchTokenCounters.WasteBetween(null, read));
        Assert.Null(BatchTokenCounters.WasteBetween(read, null));
    }

    [Fact]
    public void A_server_without_the_counters_reads_as_null()
    {
        Assert.Null(BatchTokenCounters.Parse("aot_dotnet_allocated_bytes_total 5\n"));
        Assert.Null(BatchTokenCounters.Parse("aot_batch_tokens_total{model=\"m\"} 5\n"));
        Assert.Null(BatchTokenCounters.Parse("aot_batch_tokens_total_created 5\naot_batch_padded_tokens_total_created 7\n"));
        Assert.Null(BatchTokenCounters.Parse(null));
    }
}
