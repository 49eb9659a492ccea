using Aot.Protocol;
namespace Aot.Models.Onnx;

/// <summary>An ONNX <c>TypeProto</c>: the type of a graph input, output or value.</summary>
public abstract record OnnxType;

/// <summary><c>TypeProto.Tensor</c>. A null <see cref="Shape"/> means the rank is unknown; an empty one is a scalar.</summary>
public sealed record OnnxTensorType(ElementType ElementType, IReadOnlyList<OnnxDimension>? Shape) : OnnxType;

/// <summary><c>TypeProto.Sequence</c>: an ordered list of values of one type.</summary>
public sealed record OnnxSequenceType(OnnxType ElementType) : OnnxType;

/// <summary><c>TypeProto.Map</c>: keys of an integer or string element type to values of one type.</summary>
public sealed record OnnxMapType(ElementType KeyType, OnnxType ValueType) : OnnxType;

/// <summary><c>TypeProto.Optional</c>: a value that may be absent.</summary>
public sealed record OnnxOptionalType(OnnxType ElementType) : OnnxType;
