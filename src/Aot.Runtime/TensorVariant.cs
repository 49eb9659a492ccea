using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// One shape of one input or output: a pooled native buffer and the OrtValue over it, or (with no buffer) a value
/// ONNX Runtime owns — a string tensor, or an output ORT allocated. Reference-counted: its tensor slot holds one
/// reference while the variant is current, and every <see cref="ShapeCache"/> entry that binds it holds one. The
/// last release (<see cref="BoundTensor.Release"/>) disposes the OrtValue and returns the buffer.
/// </summary>
internal sealed class TensorVariant
{
    public TensorVariant(BoundTensor owner, long[] shape, long elementCount, NativeBuffer buffer, OrtValue value, bool ownsValue)
    {
        Owner = owner;
        Shape = shape;
        ElementCount = elementCount;
        Buffer = buffer;
        Value = value;
        OwnsValue = ownsValue;
    }

    public BoundTensor Owner { get; }

    /// <summary>Never changed after construction.</summary>
    public long[] Shape { get; }

    public long ElementCount { get; }

    /// <summary>Empty for values ONNX Runtime owns.</summary>
    public NativeBuffer Buffer { get; }

    public OrtValue Value { get; }

    /// <summary>False when another object (the binding's output list) disposes <see cref="Value"/>.</summary>
    public bool OwnsValue { get; }

    /// <summary>True for a buffer of ours that the slot keeps for reuse; false for an ORT-owned value.</summary>
    public bool IsPooled => !Buffer.IsEmpty;

    public int References { get; set; }
}
