namespace Aot.Runtime;

/// <summary>A block of unmanaged memory that never moves, so ONNX Runtime can read and write it in place.</summary>
internal readonly record struct NativeBuffer(IntPtr Pointer, long Capacity)
{
    public static NativeBuffer Empty => default;

    public bool IsEmpty => Pointer == IntPtr.Zero;
}
