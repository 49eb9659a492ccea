namespace Aot.Runtime;

/// <summary>A model input or output as declared by the model.</summary>
public sealed class TensorInfo
{
    internal TensorInfo(int index, string name, ElementType elementType, Dimension[] shape, bool isTensor, string? description)
    {
        Index = index;
        Name = name;
        ElementType = elementType;
        Shape = shape;
        IsTensor = isTensor;
        Description = description;
        ElementSize = ElementTypes.SizeOf(elementType);
    }

    /// <summary>Position in the model's input (or output) list.</summary>
    public int Index { get; }

    /// <summary>The name exactly as in the model.</summary>
    public string Name { get; }

    /// <summary>Element type; <see cref="ElementType.Undefined"/> for non-tensors.</summary>
    public ElementType ElementType { get; }

    /// <summary>Declared shape; a scalar has rank 0.</summary>
    public IReadOnlyList<Dimension> Shape { get; }

    /// <summary>Rank of the declared shape.</summary>
    public int Rank => Shape.Count;

    /// <summary>False for sequences, maps and optionals, which this runtime does not bind.</summary>
    public bool IsTensor { get; }

    /// <summary>The model's doc string for this value, where ONNX Runtime exposes one.</summary>
    public string? Description { get; }

    /// <summary>Bytes per element (0 for strings).</summary>
    public int ElementSize { get; }

    /// <summary>Shape as text, e.g. <c>[batch, sequence, 384]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary><c>name: FP32[batch, 16]</c>.</summary>
    public override string ToString() => $"{Name}: {ElementTypes.ToKServeName(ElementType)}{ShapeText}";
}
