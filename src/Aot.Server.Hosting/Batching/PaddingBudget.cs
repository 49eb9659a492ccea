using Aot.Embeddings;

namespace Aot.Server.Batching;

/// <summary>
/// A padding model's batch budget in tokens: a batch costs rows × its longest request's length, stays within
/// <see cref="BatcherOptions.MaxBatchTokens"/>, and takes a request only while the padding it adds costs less than a run
/// of its own. A model served without padding has no budget (<see cref="Applies"/> false).
/// </summary>
internal sealed class PaddingBudget
{
    // A run's fixed cost in padded token positions: a request joins a batch only while the padding it adds is below
    // it. The same figure splits a text request into runs by length (LengthGroups), so the two agree.
    public const long RunOverheadTokens = LengthGroups.DefaultRunOverheadTokens;

    private readonly long _maxTokens;

    public PaddingBudget(BatcherOptions options)
    {
        Applies = options.PadSequences;
        _maxTokens = options.PadSequences && options.MaxBatchTokens > 0 ? options.MaxBatchTokens.Value : long.MaxValue;
    }

    /// <summary>Whether the model pads, so batches are bounded by tokens.</summary>
    public bool Applies { get; }

    /// <summary>
    /// A padding batch in tokens: <paramref name="real"/> = Σ <see cref="InferenceRequest.RealTokens"/>, <paramref name="padded"/> =
    /// rows × longest. False (nothing counted) for a model served without padding.
    /// </summary>
    public bool TryCount(List<InferenceRequest> batch, out long real, out long padded)
    {
        real = padded = 0;
        if (!Applies)
        {
            return false;
        }

        long rows = 0, longest = 0;
        foreach (InferenceRequest request in batch)
        {
            real += request.RealTokens;
            rows += request.Rows;
            longest = Math.Max(longest, request.PaddedLength);
        }

        padded = rows * longest;
        return true;
    }

    /// <summary>
    /// Whether a batch of <paramref name="rows"/> padded to <paramref name="longest"/> takes <paramref name="candidate"/>:
    /// the padded tokens stay within the budget, and the padding it adds (its rows padded to the batch's length, or the
    /// batch's rows padded to its length) is no more than a run's fixed cost, the price of running it in a batch of its own.
    /// Always true for a model served without padding.
    /// </summary>
    public bool Takes(long rows, long longest, InferenceRequest candidate)
    {
        if (!Applies)
        {
            return true;
        }

        long length = Math.Max(longest, candidate.PaddedLength);
        long padded = (rows + candidate.Rows) * length;
        long added = padded - (rows * longest) - (candidate.Rows * candidate.PaddedLength);
        return padded <= _maxTokens && added <= RunOverheadTokens;
    }
}
