namespace Aot.LoadGen.Resources;

/// <summary>
/// The server's token counters of its padded batches, summed over every model it serves: <see cref="RealMetric"/>
/// (the tokens requests brought) and <see cref="PaddedMetric"/> (the positions the batches computed, padding
/// included). Read at both edges of a window, they give the padding waste of the batches run in it as the server
/// counted it (<see cref="WasteBetween"/>), whatever the server did to lower it (length groups, batching).
/// </summary>
/// <param name="RealTokens">Σ <see cref="RealMetric"/>.</param>
/// <param name="PaddedTokens">Σ <see cref="PaddedMetric"/>.</param>
internal sealed record BatchTokenCounters(double RealTokens, double PaddedTokens)
{
    public const string RealMetric = "aot_batch_tokens_total";
    public const string PaddedMetric = "aot_batch_padded_tokens_total";

    /// <summary>Both counters summed over their label sets, or null when the text lacks either (not Aot, or an older one).</summary>
    public static BatchTokenCounters? Parse(string? text)
    {
        double? real = null;
        double? padded = null;
        foreach (string line in (text ?? "").Split('\n'))
        {
            if (MetricsScrape.IsSample(line, RealMetric))
            {
                real = (real ?? 0) + (MetricsScrape.Value(line) ?? 0);
            }
            else if (MetricsScrape.IsSample(line, PaddedMetric))
            {
                padded = (padded ?? 0) + (MetricsScrape.Value(line) ?? 0);
            }
        }

        return real is { } r && padded is { } p ? new BatchTokenCounters(r, p) : null;
    }

    /// <summary>
    /// (padded − real) ÷ padded of the batches counted between two reads; null when either read is missing or no
    /// padded batch ran between them.
    /// </summary>
    public static double? WasteBetween(BatchTokenCounters? before, BatchTokenCounters? after)
    {
        if (before is null || after is null)
        {
            return null;
        }

        double padded = after.PaddedTokens - before.PaddedTokens;
        double real = after.RealTokens - before.RealTokens;
        return padded > 0 ? (padded - real) / padded : null;
    }
}
