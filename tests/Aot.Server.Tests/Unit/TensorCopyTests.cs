using Aot.Server.Batching;

namespace Aot.Server.Tests.Unit;

public class TensorCopyTests
{
    [Fact]
    public void Pad_then_trim_round_trips_and_zero_fills()
    {
        // [2, 3] padded into [2, 5] (e.g. two sequences of 3 tokens padded to 5).
        byte[] small = [1, 2, 3, 4, 5, 6];
        var large = new byte[10];
        TensorCopy.Pad(small, [2, 3], large, [2, 5], elementSize: 1);
        Assert.Equal(new byte[] { 1, 2, 3, 0, 0, 4, 5, 6, 0, 0 }, large);

        var back = new byte[6];
        TensorCopy.Trim(large, [2, 5], back, [2, 3], elementSize: 1);
        Assert.Equal(small, back);
    }

    [Fact]
    public void Trim_keeps_inner_dimensions_as_blocks()
    {
        // [1, 3, 2] trimmed to [1, 2, 2] with 4-byte elements: the last dimension stays one block per row.
        int[] values = [1, 2, 3, 4, 5, 6];
        byte[] source = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var destination = new byte[16];
        TensorCopy.Trim(source, [1, 3, 2], destination, [1, 2, 2], elementSize: 4);
        Assert.Equal(new[] { 1, 2, 3, 4 }, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(destination).ToArray());
    }

    [Fact]
    public void Equal_shapes_copy_straight()
    {
        byte[] source = [9, 8, 7, 6];
        var destination = new byte[4];
        TensorCopy.Trim(source, [2, 2], destination, [2, 2], 1);
        Assert.Equal(source, destination);
    }
}
