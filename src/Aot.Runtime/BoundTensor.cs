using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// One input or output of a runner. It keeps a <see cref="TensorVariant"/> (buffer + OrtValue) per shape that is
/// still referenced — current here, or bound by a <see cref="ShapeCache"/> entry — so switching back to a shape
/// seen before reuses its buffer and OrtValue instead of building new ones, and allocates nothing.
/// </summary>
internal sealed class BoundTensor : IDisposable
{
    private readonly IHostBufferSource _buffers;
    private readonly List<TensorVariant> _pooled = [];
    private TensorVariant? _current;

    public BoundTensor(TensorInfo info, IHostBufferSource buffers)
    {
        Info = info;
        _buffers = buffers;
        Name = info.Name;
    }

    public TensorInfo Info { get; }

    public string Name { get; }

    /// <summary>The variant of the current shape, or null before the first shape is set.</summary>
    public TensorVariant? Current => _current;

    public bool HasShape => _current is not null;

    /// <summary>Current shape; valid when <see cref="HasShape"/>.</summary>
    public long[] Shape => _current!.Shape;

    public long ElementCount => _current!.ElementCount;

    public long ByteCount => ElementCount * Info.ElementSize;

    /// <summary>The current OrtValue: over our buffer, or an ORT-owned result/string tensor.</summary>
    public OrtValue? Value => _current?.Value;

    /// <summary>For outputs whose shape depends on input values: never pre-allocate.</summary>
    public bool ShapeIsDataDependent { get; set; }

    /// <summary>Capacity of the pooled buffers this tensor holds, over all its live variants.</summary>
    public long PooledBytes { get; private set; }

    /// <summary>Live pooled variants (one per shape).</summary>
    public int PooledCount => _pooled.Count;

    public bool ShapeEquals(ReadOnlySpan<long> shape) => _current is not null && shape.SequenceEqual(_current.Shape);

    /// <summary>Makes the variant of <paramref name="shape"/> current, reusing a live one when there is one.</summary>
    public void Select(ReadOnlySpan<long> shape, long elementCount) => SetCurrent(Acquire(shape, elementCount));

    /// <summary>
    /// The live variant of <paramref name="shape"/>, or a new one over a freshly rented buffer. The caller takes a
    /// reference (<see cref="SetCurrent"/> or a cache entry); an unreferenced new variant is freed on dispose.
    /// </summary>
    public TensorVariant Acquire(ReadOnlySpan<long> shape, long elementCount)
    {
        foreach (TensorVariant variant in _pooled)
        {
            if (shape.SequenceEqual(variant.Shape))
            {
                return variant;
            }
        }

        long bytes = elementCount * Info.ElementSize;
        NativeBuffer buffer = _buffers.Rent(Math.Max(1, bytes));
        long[] shapeArray = shape.ToArray();
        OrtValue value;
        try
        {
            value = OrtValue.CreateTensorValueWithData(_buffers.MemoryInfo, OnnxModel.ToOrt(Info.ElementType), shapeArray, buffer.Pointer, bytes);
        }
        catch
        {
            _buffers.Return(buffer);
            throw;
        }

        var created = new TensorVariant(this, shapeArray, elementCount, buffer, value, ownsValue: true);
        _pooled.Add(created);
        PooledBytes += buffer.Capacity;
        return created;
    }

    /// <summary>Makes a value ONNX Runtime owns (a string tensor, an ORT-allocated output) current.</summary>
    public void SetOrtOwned(OrtValue value, ReadOnlySpan<long> shape, long elementCount, bool ownsValue) =>
        SetCurrent(new TensorVariant(this, shape.ToArray(), elementCount, NativeBuffer.Empty, value, ownsValue));

    /// <summary>Drops the current value if ONNX Runtime owns it (its owner disposes it).</summary>
    public void DetachOrtOwned()
    {
        if (_current is { IsPooled: false })
        {
            SetCurrent(null);
        }
    }

    public void SetCurrent(TensorVariant? variant)
    {
        if (ReferenceEquals(variant, _current))
        {
            return;
        }

        if (variant is not null)
        {
            variant.References++;
        }

        TensorVariant? previous = _current;
        _current = variant;
        if (previous is not null)
        {
            Release(previous);
        }
    }

    /// <summary>Drops one reference; the last one disposes the OrtValue (when owned) and returns the buffer.</summary>
    public void Release(TensorVariant variant)
    {
        if (--variant.References > 0)
        {
            return;
        }

        Free(variant);
    }

    public void Dispose()
    {
        SetCurrent(null);

        // Left only if a cache entry was not disposed first, or an exception came between Acquire and a reference.
        foreach (TensorVariant variant in _pooled.ToArray())
        {
            Free(variant);
        }
    }

    private void Free(TensorVariant variant)
    {
        if (variant.OwnsValue)
        {
            variant.Value.Dispose();
        }

        if (variant.IsPooled && _pooled.Remove(variant))
        {
            PooledBytes -= variant.Buffer.Capacity;
            _buffers.Return(variant.Buffer);
        }
    }
}
