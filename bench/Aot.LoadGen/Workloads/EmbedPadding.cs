namespace Aot.LoadGen.Workloads;

/// <summary>
/// The padding one <c>/embed</c> request costs when its texts run as one batch padded to the longest — what the Node
/// and PyTorch peers do. Computed on the client from the texts' exact token counts. Aot cuts a request's texts into
/// runs of similar length, so its waste is read from its server instead (<see cref="Resources.BatchTokenCounters"/>).
/// </summary>
/// <param name="Texts">Rows of the batch.</param>
/// <param name="LongestTokens">Tokens of the longest text: the batch's sequence length.</param>
/// <param name="RealTokens">Tokens of all texts, [CLS]/[SEP] included.</param>
/// <param name="PaddingTokens">Positions filled with [PAD]: rows × longest − real.</param>
internal sealed record EmbedPadding(int Texts, int LongestTokens, long RealTokens, long PaddingTokens)
{
    /// <summary>Padded positions ÷ all positions the model computes (rows × longest): the share of compute spent on padding.</summary>
    public double Waste => RealTokens + PaddingTokens == 0 ? 0 : (double)PaddingTokens / (RealTokens + PaddingTokens);

    /// <summary>The padding of one batch of texts with these token counts.</summary>
    public static EmbedPadding Of(IReadOnlyCollection<int> tokenCounts)
    {
        ArgumentNullException.ThrowIfNull(tokenCounts);
        if (tokenCounts.Count == 0)
        {
            return new EmbedPadding(0, 0, 0, 0);
        }

        int longest = tokenCounts.Max();
        long real = tokenCounts.Sum(t => (long)t);
        return new EmbedPadding(tokenCounts.Count, longest, real, ((long)tokenCounts.Count * longest) - real);
    }
}
