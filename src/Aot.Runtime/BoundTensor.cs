using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// One input or output of a runner: its current shape, the native buffer behind it, and the OrtValue that wraps
/// that buffer with that shape. The OrtValue is rebuilt only when the shape (or buffer) changes, which is what
/// makes repeated runs with the same shapes allocation-free.
/// </summary>
internal sealed class BoundTensor : IDisposable
{
    private readonly IHostBufferSource _buffers;
    private long[] _shape;

    public BoundTensor(TensorInfo info, IHostBufferSource buffers)
    {
        Info = info;
        _buffers = buffers;
        _shape = new long[info.Rank];
        Name = info.Name;
    }

    public TensorInfo Info { get; }

    public string Name { get; }

    /// <summary>Current shape; valid when <see cref="HasShape"/>.</summary>
    public long[] Shape => _shape;

    public bool HasShape { get; private set; }

    public long ElementCount { get; private set; }

    public long ByteCount => ElementCount * Info.ElementSize;

    public NativeBuffer Buffer { get; private set; }

    /// <summary>The OrtValue over <see cref="Buffer"/> with <see cref="Shape"/>, or an ORT-owned result/string tensor.</summary>
    public OrtValue? Value { get; private set; }

    /// <summary>True when <see cref="Value"/> must be (re)bound before the next run.</summary>
    public bool NeedsBinding { get; set; }

    /// <summary>For outputs: ONNX Runtime allocates this output on each run instead of writing into our buffer.</summary>
    public bool AllocatedByOrt { get; set; }

    /// <summary>For outputs whose shape depends on input values: never pre-allocate.</summary>
    public bool ShapeIsDataDependent { get; set; }

    public bool ShapeEquals(ReadOnlySpan<long> shape) => HasShape && shape.SequenceEqual(_shape);

    /// <summary>Sets a new shape, growing the buffer if needed, and wraps it in a fresh OrtValue.</summary>
    public void SetShape(ReadOnlySpan<long> shape, long elementCount)
    {
        if (_shape.Length != shape.Length)
        {
            _shape = new long[shape.Length];
        }

        shape.CopyTo(_shape);
        HasShape = true;
        ElementCount = elementCount;
        if (Info.ElementType == ElementType.String)
        {
            return;
        }

        long bytes = Math.Max(1, ByteCount);
        if (Buffer.Capacity < bytes)
        {
            _buffers.Return(Buffer);
            Buffer = _buffers.Rent(bytes);
        }

        ReplaceValue(OrtValue.CreateTensorValueWithData(
            _buffers.MemoryInfo,
            OnnxModel.ToOrt(Info.ElementType),
            (long[])_shape.Clone(),
            Buffer.Pointer,
            ByteCount));
        AllocatedByOrt = false;
    }

    /// <summary>Uses a value ONNX Runtime owns (a string tensor or an ORT-allocated output) as the current value.</summary>
    public void SetOrtOwnedValue(OrtValue value, ReadOnlySpan<long> shape, long elementCount)
    {
        if (_shape.Length != shape.Length)
        {
            _shape = new long[shape.Length];
        }

        shape.CopyTo(_shape);
        HasShape = true;
        ElementCount = elementCount;
        ReplaceValue(value);
    }

    /// <summary>Forgets the value without disposing it (its owner, e.g. the binding's output list, does).</summary>
    public void DetachValue() => Value = null;

    public void ReplaceValue(OrtValue? value)
    {
        Value?.Dispose();
        Value = value;
        NeedsBinding = value is not null;
    }

    public void Dispose()
    {
        if (!AllocatedByOrt)
        {
            Value?.Dispose();
        }

        Value = null;
        _buffers.Return(Buffer);
        Buffer = NativeBuffer.Empty;
    }
}
