using Aot.Embeddings.Tokenization;

namespace Aot.Embeddings.Tests;

/// <summary>
/// <see cref="BertTokenizer.EncodePairRow"/>: <c>[CLS] a [SEP] b [SEP]</c> with token types 0/1, cut longest-first
/// as Hugging Face's tokenizers do, refused when truncation is off, and without allocating.
/// </summary>
public sealed class PairEncodingTests
{
    private static readonly BertTokenizer MiniLm = Models.Tokenizer("minilm");

    [Fact]
    public void A_pair_is_cls_first_sep_second_sep_with_second_segment_types()
    {
        long[] ids = new long[9], mask = new long[9], types = new long[9];
        EncodeResult result = MiniLm.EncodePairRow("hello world", "hello", ids, mask, types);
        Assert.Equal(new EncodeResult(6, false), result);
        Assert.Equal(new long[] { 101, 7592, 2088, 102, 7592, 102, 0, 0, 0 }, ids);
        Assert.Equal(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 0 }, mask);
        Assert.Equal(new long[] { 0, 0, 0, 0, 1, 1, 0, 0, 0 }, types);
    }

    [Fact]
    public void The_longer_text_is_cut_first_from_the_chosen_end()
    {
        // 6 slots leave 3 for text; "hello world hello world" (4 tokens) and "world" (1) are over by 2, both taken
        // from the longer first text.
        long[] ids = new long[6], mask = new long[6], types = new long[6];
        Assert.Equal(new EncodeResult(6, true), MiniLm.EncodePairRow("hello world hello world", "world", ids, mask, types));
        Assert.Equal(new long[] { 101, 7592, 2088, 102, 2088, 102 }, ids);
        MiniLm.EncodePairRow("hello world hello", "world", ids, mask, types, direction: TruncationDirection.Left);
        Assert.Equal(new long[] { 101, 2088, 7592, 102, 2088, 102 }, ids);
        Assert.Throws<InputTooLongException>(() => MiniLm.EncodePairRow("hello world hello world", "world", ids, mask, types, truncate: false));
    }

    [Fact]
    public void Encoding_a_pair_allocates_nothing()
    {
        long[] ids = new long[16], mask = new long[16], types = new long[16];
        MiniLm.EncodePairRow("warm up", "the pair path", ids, mask, types);
        MiniLm.EncodePairRow("warm up", "the pair path", ids, mask, types, direction: TruncationDirection.Left);

        // ArrayPool's per-thread caches are trimmed on a full GC (other tests in the run cause them) and remade on the next
        // rent; that only adds, so the quietest of three rounds is the encoder's own figure.
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int total = 0;
            for (int i = 0; i < 100; i++)
                total += MiniLm.EncodePairRow("where is the cat sitting today", "the cat sat on the mat all day long", ids, mask, types,
                    truncate: true, (TruncationDirection)(i % 2)).Length;
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(100 * 16, total);
        }

        Assert.Equal(0, fewest);
    }
}
