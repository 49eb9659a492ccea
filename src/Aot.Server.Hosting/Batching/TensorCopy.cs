namespace Aot.Server.Batching;

/// <summary>
/// Copies between a tensor of one shape and the corner (index 0 in every dimension) of a tensor of a larger shape
/// with the same rank: padding a request's input into a batch, and trimming a batch's output back to a request's
/// sizes. The innermost run of equal dimensions is copied as one block, so the unpadded case is a single memcpy.
/// </summary>
internal static class TensorCopy
{
    /// <summary>
    /// Copies the <paramref name="small"/>-shaped tensor in <paramref name="source"/> into the corner of the
    /// <paramref name="large"/>-shaped tensor in <paramref name="destination"/>. Destination bytes outside the
    /// corner are left untouched (the caller zeroes them).
    /// </summary>
    public static void Pad(ReadOnlySpan<byte> source, ReadOnlySpan<long> small, Span<byte> destination, ReadOnlySpan<long> large, int elementSize)
        => Copy(small, large, elementSize, source, destination, toLarge: true);

    /// <summary>Copies the <paramref name="small"/>-shaped corner of <paramref name="source"/> (shaped <paramref name="large"/>) to <paramref name="destination"/>.</summary>
    public static void Trim(ReadOnlySpan<byte> source, ReadOnlySpan<long> large, Span<byte> destination, ReadOnlySpan<long> small, int elementSize)
        => Copy(small, large, elementSize, source, destination, toLarge: false);

    /// <summary>Bytes of a tensor of <paramref name="shape"/>.</summary>
    public static long ByteCount(ReadOnlySpan<long> shape, int elementSize)
    {
        long count = elementSize;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }

    private static void Copy(ReadOnlySpan<long> small, ReadOnlySpan<long> large, int elementSize, ReadOnlySpan<byte> source, Span<byte> destination, bool toLarge)
    {
        long total = ByteCount(small, elementSize);
        if (total == 0)
        {
            return;
        }

        // Trailing dimensions that agree form one contiguous block.
        long innerBytes = elementSize;
        int k = small.Length - 1;
        while (k >= 0 && small[k] == large[k])
        {
            innerBytes *= small[k];
            k--;
        }

        if (k < 0)
        {
            (toLarge ? source : source[..(int)total]).CopyTo(destination);
            return;
        }

        // Dimension k is the innermost that differs: each step copies small[k] × inner bytes, and the offsets of
        // the two layouts advance with their own strides over dimensions 0..k-1 (an odometer over small's sizes).
        long blockBytes = small[k] * innerBytes;
        Span<long> index = stackalloc long[k];
        Span<long> smallStride = stackalloc long[k];
        Span<long> largeStride = stackalloc long[k];
        index.Clear();
        long smallStep = blockBytes;
        long largeStep = large[k] * innerBytes;
        for (int d = k - 1; d >= 0; d--)
        {
            smallStride[d] = smallStep;
            largeStride[d] = largeStep;
            smallStep *= small[d];
            largeStep *= large[d];
        }

        for (long done = 0; done < total; done += blockBytes)
        {
            long smallOffset = 0, largeOffset = 0;
            for (int d = 0; d < k; d++)
            {
                smallOffset += index[d] * smallStride[d];
                largeOffset += index[d] * largeStride[d];
            }

            if (toLarge)
            {
                source.Slice((int)smallOffset, (int)blockBytes).CopyTo(destination[(int)largeOffset..]);
            }
            else
            {
                source.Slice((int)largeOffset, (int)blockBytes).CopyTo(destination[(int)smallOffset..]);
            }

            for (int d = k - 1; d >= 0; d--)
            {
                if (++index[d] < small[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }
    }
}
