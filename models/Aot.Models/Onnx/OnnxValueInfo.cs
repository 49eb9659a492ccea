using Aot.Protocol;
namespace Aot.Models.Onnx;

/// <summary>An ONNX <c>ValueInfoProto</c>: a named, typed graph input, output or intermediate value.</summary>
public sealed record OnnxValueInfo(string Name, OnnxType Type)
{
    /// <summary>Human-readable documentation (<c>doc_string</c>).</summary>
    public string? DocString { get; init; }

    /// <summary>A tensor value; <paramref name="shape"/> mixes fixed sizes and symbols.</summary>
    public static OnnxValueInfo Tensor(string name, ElementType elementType, params OnnxDimension[] shape) =>
        new(name, new OnnxTensorType(elementType, shape));
}
