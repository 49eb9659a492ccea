namespace Aot.Runtime;

/// <summary>
/// The shapes of all of a runner's inputs flattened into one array (rank, dims, rank, dims, ...): the key of
/// <see cref="LearnedOutputShapes"/> and <see cref="ShapeCache"/>. Matching compares in place and allocates nothing.
/// </summary>
internal static class InputShapeKey
{
    public static long[] Create(BoundTensor[] inputs)
    {
        int length = 0;
        foreach (BoundTensor input in inputs)
        {
            length += 1 + input.Shape.Length;
        }

        var key = new long[length];
        int position = 0;
        foreach (BoundTensor input in inputs)
        {
            long[] shape = input.Shape;
            key[position++] = shape.Length;
            shape.CopyTo(key, position);
            position += shape.Length;
        }

        return key;
    }

    public static bool Matches(long[] key, BoundTensor[] inputs)
    {
        int position = 0;
        foreach (BoundTensor input in inputs)
        {
            long[] shape = input.Shape;
            if (position + 1 + shape.Length > key.Length || key[position] != shape.Length
                || !shape.AsSpan().SequenceEqual(key.AsSpan(position + 1, shape.Length)))
            {
                return false;
            }

            position += 1 + shape.Length;
        }

        return position == key.Length;
    }
}
