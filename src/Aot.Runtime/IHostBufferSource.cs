using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>Where a runner's host-side tensor memory comes from, and how ONNX Runtime should describe it.</summary>
internal interface IHostBufferSource
{
    OrtMemoryInfo MemoryInfo { get; }

    NativeBuffer Rent(long bytes);

    void Return(NativeBuffer buffer);
}

/// <summary>Plain 64-byte-aligned native memory from the shared pool: what the CPU execution provider reads.</summary>
internal sealed class PooledHostBuffers : IHostBufferSource
{
    public static PooledHostBuffers Instance { get; } = new();

    public OrtMemoryInfo MemoryInfo => OrtMemoryInfo.DefaultInstance;

    public NativeBuffer Rent(long bytes) => NativeBufferPool.Shared.Rent(bytes);

    public void Return(NativeBuffer buffer) => NativeBufferPool.Shared.Return(buffer);
}

/// <summary>
/// Page-locked host memory from ONNX Runtime's CUDA pinned allocator, so host↔device copies are DMA transfers
/// without a staging copy. Only valid for sessions on the CUDA execution provider.
/// </summary>
internal sealed class CudaPinnedHostBuffers : IHostBufferSource, IDisposable
{
    private readonly OrtAllocator _allocator;
    private readonly Dictionary<IntPtr, OrtMemoryAllocation> _live = [];

    public CudaPinnedHostBuffers(InferenceSession session, int deviceId)
    {
        MemoryInfo = new OrtMemoryInfo("CudaPinned", OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.CpuOutput);
        _allocator = new OrtAllocator(session, MemoryInfo);
    }

    public OrtMemoryInfo MemoryInfo { get; }

    public NativeBuffer Rent(long bytes)
    {
        if (bytes > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "A pinned host buffer is limited to 4 GiB.");
        }

        OrtMemoryAllocation allocation = _allocator.Allocate((uint)bytes);
        IntPtr pointer = allocation.DangerousGetHandle(); // SafeHandle over the block itself
        _live[pointer] = allocation;
        return new NativeBuffer(pointer, bytes);
    }

    public void Return(NativeBuffer buffer)
    {
        if (!buffer.IsEmpty && _live.Remove(buffer.Pointer, out OrtMemoryAllocation? allocation))
        {
            allocation.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (OrtMemoryAllocation allocation in _live.Values)
        {
            allocation.Dispose();
        }

        _live.Clear();
        _allocator.Dispose();
        MemoryInfo.Dispose();
    }
}
