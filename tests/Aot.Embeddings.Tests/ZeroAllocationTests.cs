using Aot.Embeddings.Tokenization;

namespace Aot.Embeddings.Tests;

/// <summary>The typed-SDK promise: embedding one text at a fixed length allocates nothing after warm-up.</summary>
[Collection(ModelsCollection.Name)]
public class ZeroAllocationTests(Models models)
{
    private static readonly string[] s_texts =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Café naïve résumé — Über straße",    // accents: the normalisation path
        "我喜欢机器学习 and 🍕!",               // CJK and surrogate pairs
        "$5.00 (50%) a+b=c <tag>",
        new string('x', 150) + " " + string.Join(' ', Enumerable.Repeat("long text", 100)), // [UNK] word and truncation
    ];

    [Fact]
    public void Fixed_length_embedding_allocates_nothing_in_steady_state()
    {
        using FixedLengthEmbedder embedder = models.MiniLm.CreateFixedLengthEmbedder(sequenceLength: 64);
        Span<float> vector = stackalloc float[384];
        foreach (string text in s_texts)
            embedder.Embed(text, vector); // warm-up: the first run binds the [1, 64] buffers

        long before = GC.GetAllocatedBytesForCurrentThread();
        int tokens = 0;
        for (int i = 0; i < 40; i++)
            tokens += embedder.Embed(s_texts[i % s_texts.Length], vector, normalize: true, truncate: true, (TruncationDirection)(i % 2));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(tokens > 40 * 2);
    }

    [Fact]
    public void Fixed_length_vectors_equal_the_batched_path()
    {
        using FixedLengthEmbedder embedder = models.MiniLm.CreateFixedLengthEmbedder(sequenceLength: 64);
        var vector = new float[384];
        foreach (string text in s_texts)
        {
            embedder.Embed(text, vector);
            VectorAssert.Close(new EmbeddingModelShortcut(models.MiniLm, 64).Embed(text), vector, text);
        }
    }

    [Fact]
    public void Tokenizer_encode_allocates_nothing()
    {
        BertTokenizer tokenizer = models.MiniLm.Tokenizer;
        Span<long> ids = stackalloc long[128];
        // Warm up every call measured below (both truncation directions, CountTokens): first calls may run static
        // initialisers, which allocate once, and whether another test ran them first depends on test order.
        foreach (string text in s_texts)
        {
            tokenizer.Encode(text, ids);
            tokenizer.Encode(text, ids, truncate: true, TruncationDirection.Left);
            tokenizer.Encode(text, ids, truncate: true, TruncationDirection.Right);
            tokenizer.CountTokens(text);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 200; i++)
        {
            total += tokenizer.Encode(s_texts[i % s_texts.Length], ids, truncate: true, (TruncationDirection)(i % 2)).Length;
            total += tokenizer.CountTokens(s_texts[i % s_texts.Length]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    /// <summary>The same model limited to the embedder's length, so truncation matches.</summary>
    private sealed class EmbeddingModelShortcut(EmbeddingModel model, int maxLength)
    {
        public float[] Embed(string text)
        {
            using var limited = EmbeddingModel.Create(model.OnnxModel, model.Tokenizer, new EmbeddingModelOptions { MaxSequenceLength = maxLength });
            return limited.Embed(text);
        }
    }
}
