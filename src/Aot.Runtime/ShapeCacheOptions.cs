namespace Aot.Runtime;

/// <summary>
/// Bounds of each <see cref="ModelRunner"/>'s per-shape cache. A runner keeps, for each combination of input shapes
/// it has run (a batch size, a sequence length), the native buffers, OrtValues and IoBinding of that combination,
/// so that alternating between a bounded set of shapes (what a dynamic batcher produces) allocates nothing after
/// each shape has been seen once. Past either bound, the least recently used combination is dropped: its OrtValues
/// and binding are released and its buffers go back to the pool.
/// </summary>
public sealed record class ShapeCacheOptions
{
    private readonly int _maxEntries = 32;
    private readonly long _maxBytes = 64L << 20;

    /// <summary>
    /// Input-shape combinations kept per runner (default 32: every batch size of the server's default
    /// <c>--max-batch 32</c>). 1 keeps only the current one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxEntries
    {
        get => _maxEntries;
        init => _maxEntries = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxEntries), value, "At least 1 shape combination is kept.");
    }

    /// <summary>
    /// Bytes of native tensor buffers (inputs and outputs, at pool-rounded capacity) one runner may hold for its
    /// cached combinations (default 64 MiB). The combination in use is always kept, even when it alone is larger.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long MaxBytes
    {
        get => _maxBytes;
        init => _maxBytes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxBytes), value, "The byte bound cannot be negative.");
    }
}
