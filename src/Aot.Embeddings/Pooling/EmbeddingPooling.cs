using System.Numerics;
using System.Runtime.InteropServices;
using CommunityToolkit.HighPerformance;

namespace Aot.Embeddings.Pooling;

/// <summary>
/// Pooling and normalisation of one row of a model's last hidden state. Allocation-free, vectorised across the
/// hidden dimension; each column is summed in token order, as sentence-transformers' float32 sum does.
/// </summary>
public static class EmbeddingPooling
{
    /// <summary>Below this norm a vector is left as it is rather than blown up (torch's F.normalize eps).</summary>
    public const float NormalizeEpsilon = 1e-12f;

    /// <summary>
    /// Pools one row into <paramref name="destination"/>. Only the first <c>destination.Length</c> columns are
    /// produced, which is exactly Matryoshka truncation (pooling is per column).
    /// </summary>
    /// <param name="hidden">The row's hidden states, <c>[sequenceLength, hiddenSize]</c> row-major.</param>
    /// <param name="hiddenSize">Columns per token.</param>
    /// <param name="tokenCount">Real tokens at the start of the row (attention mask 1); the rest is padding.</param>
    /// <param name="mode">Mean or CLS.</param>
    /// <param name="destination">The pooled vector; at most <paramref name="hiddenSize"/> long.</param>
    public static void Pool(ReadOnlySpan<float> hidden, int hiddenSize, int tokenCount, PoolingMode mode, Span<float> destination)
    {
        if (destination.Length > hiddenSize)
            throw new ArgumentException($"The destination has {destination.Length} columns; the model has {hiddenSize}.", nameof(destination));
        if (tokenCount < 1 || (long)tokenCount * hiddenSize > hidden.Length)
            throw new ArgumentOutOfRangeException(nameof(tokenCount), $"{tokenCount} tokens do not fit a row of {hidden.Length} values.");

        // [real tokens, kept columns] of the row: padding and truncated columns are outside the view.
        ReadOnlySpan2D<float> tokens = hidden[..(tokenCount * hiddenSize)].AsSpan2D(tokenCount, hiddenSize).Slice(0, 0, tokenCount, destination.Length);
        if (mode == PoolingMode.Cls)
        {
            tokens.GetRowSpan(0).CopyTo(destination);
            return;
        }

        destination.Clear();
        for (int token = 0; token < tokens.Height; token++)
            Add(destination, tokens.GetRowSpan(token));
        Scale(destination, 1f / tokenCount);
    }

    /// <summary>Scales the vector to unit L2 length (unchanged if its norm is below <see cref="NormalizeEpsilon"/>).</summary>
    public static void Normalize(Span<float> vector)
    {
        float sumOfSquares = 0;
        foreach (float value in vector)
            sumOfSquares += value * value;
        Scale(vector, 1f / MathF.Max(MathF.Sqrt(sumOfSquares), NormalizeEpsilon));
    }

    private static void Add(Span<float> sum, ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> sums = MemoryMarshal.Cast<float, Vector<float>>(sum);
            ReadOnlySpan<Vector<float>> adds = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < sums.Length; v++)
                sums[v] += adds[v];
            i = sums.Length * Vector<float>.Count;
        }

        for (; i < sum.Length; i++)
            sum[i] += values[i];
    }

    private static void Scale(Span<float> values, float factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
                vectors[v] *= factor;
            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
            values[i] *= factor;
    }
}
