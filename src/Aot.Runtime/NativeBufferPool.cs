using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Aot.Runtime;

/// <summary>
/// Process-wide pool of 64-byte-aligned native buffers in power-of-two size classes. Runners rent a buffer when a
/// tensor outgrows the one it has and return it when they are disposed, so a server that creates and drops
/// runners (or grows batch sizes) reuses memory instead of going back to the OS. Element type does not matter to
/// raw memory, so classes are by size alone; each class keeps a bounded number of idle buffers.
/// </summary>
internal sealed unsafe class NativeBufferPool
{
    /// <summary>Alignment suits AVX-512 loads and cache lines.</summary>
    public const int Alignment = 64;

    private const int MinimumClass = 6;   // 64 B
    private const int MaximumPooledClass = 30; // 1 GiB; larger buffers are allocated and freed directly
    private const int MaxIdlePerClass = 16;

    private readonly ConcurrentBag<IntPtr>[] _idle = new ConcurrentBag<IntPtr>[MaximumPooledClass + 1];
    private long _allocatedBytes;

    private NativeBufferPool()
    {
        for (int i = 0; i < _idle.Length; i++)
        {
            _idle[i] = new ConcurrentBag<IntPtr>();
        }
    }

    public static NativeBufferPool Shared { get; } = new();

    /// <summary>Bytes currently allocated from the OS by this pool (rented plus idle).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Rents a buffer of at least <paramref name="bytes"/> bytes (at least 64, zero-initialised when new).</summary>
    public NativeBuffer Rent(long bytes)
    {
        int sizeClass = SizeClassOf(bytes);
        long capacity = 1L << sizeClass;
        if (sizeClass <= MaximumPooledClass && _idle[sizeClass].TryTake(out IntPtr pooled))
        {
            return new NativeBuffer(pooled, capacity);
        }

        void* memory = NativeMemory.AlignedAlloc((nuint)capacity, Alignment);
        NativeMemory.Clear(memory, (nuint)capacity);
        Interlocked.Add(ref _allocatedBytes, capacity);
        return new NativeBuffer((IntPtr)memory, capacity);
    }

    /// <summary>Gives a buffer back; idle buffers beyond the per-class bound are freed.</summary>
    public void Return(NativeBuffer buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        int sizeClass = BitOperations.Log2((ulong)buffer.Capacity);
        if (sizeClass <= MaximumPooledClass && _idle[sizeClass].Count < MaxIdlePerClass)
        {
            _idle[sizeClass].Add(buffer.Pointer);
            return;
        }

        NativeMemory.AlignedFree((void*)buffer.Pointer);
        Interlocked.Add(ref _allocatedBytes, -buffer.Capacity);
    }

    private static int SizeClassOf(long bytes)
    {
        if (bytes <= 1L << MinimumClass)
        {
            return MinimumClass;
        }

        return 64 - BitOperations.LeadingZeroCount((ulong)(bytes - 1));
    }
}
