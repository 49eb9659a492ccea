namespace Aot.Runtime.Tests;

public class NativeBufferPoolTests
{
    [Theory]
    [InlineData(1, 64)]
    [InlineData(64, 64)]
    [InlineData(65, 128)]
    [InlineData(1000, 1024)]
    [InlineData(1 << 20, 1 << 20)]
    public void Buffers_are_aligned_and_rounded_to_a_power_of_two(long requested, long capacity)
    {
        NativeBuffer buffer = NativeBufferPool.Shared.Rent(requested);
        try
        {
            Assert.Equal(capacity, buffer.Capacity);
            Assert.Equal(0, buffer.Pointer % NativeBufferPool.Alignment);
        }
        finally
        {
            NativeBufferPool.Shared.Return(buffer);
        }
    }

    [Fact]
    public void A_returned_buffer_is_reused()
    {
        // An odd size class that no other test uses, so the pool's bag holds only what this test returns.
        NativeBuffer first = NativeBufferPool.Shared.Rent((1 << 27) + 1);
        NativeBufferPool.Shared.Return(first);
        NativeBuffer second = NativeBufferPool.Shared.Rent(1 << 28);
        NativeBufferPool.Shared.Return(second);
        Assert.Equal(first.Pointer, second.Pointer);
    }
}
