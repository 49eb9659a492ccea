namespace Aot.Embeddings;

/// <summary>How one tokenized text becomes one row of an encoder batch: its ids, then padding; mask 1 then 0.</summary>
internal static class EncoderRows
{
    public static void Write(ReadOnlySpan<long> tokens, Span<long> idsRow, Span<long> maskRow, long paddingId)
    {
        tokens.CopyTo(idsRow);
        idsRow[tokens.Length..].Fill(paddingId);
        maskRow[..tokens.Length].Fill(1);
        maskRow[tokens.Length..].Clear();
    }
}
