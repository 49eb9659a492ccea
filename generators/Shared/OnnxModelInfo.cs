using System.Collections.Generic;

namespace Aot.Generators.Onnx;

/// <summary>What a model declares about itself: everything the generator needs and nothing that costs a read of the weights.</summary>
internal sealed record OnnxModelInfo(
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    string Domain,
    long ModelVersion,
    string DocString,
    string GraphName,
    string GraphDocString,
    IReadOnlyList<OnnxOpset> Opsets,
    IReadOnlyList<KeyValuePair<string, string>> MetadataProps,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>An operator set the model imports; an empty domain is the default <c>ai.onnx</c>.</summary>
internal sealed record OnnxOpset(string Domain, long Version);

/// <summary>A graph input or output (ValueInfoProto).</summary>
internal sealed record OnnxValueInfo(string Name, OnnxValueType Type, string DocString);

/// <summary>A value's type (TypeProto), flattened to what the typed API can use plus a readable description.</summary>
/// <param name="Kind">Which TypeProto case was set.</param>
/// <param name="ElementType">TensorProto.DataType of a (sparse) tensor; 0 otherwise.</param>
/// <param name="Shape">Dimensions of a (sparse) tensor, or null when the model gives no shape (unknown rank).</param>
/// <param name="Description">ONNX-style text, e.g. <c>tensor(float)</c> or <c>seq(map(int64,tensor(float)))</c>.</param>
internal sealed record OnnxValueType(OnnxValueKind Kind, int ElementType, IReadOnlyList<OnnxDimension>? Shape, string Description);

/// <summary>One dimension: fixed (<see cref="Value"/> &gt;= 0), symbolic (<see cref="Symbol"/>) or unknown (neither).</summary>
internal readonly record struct OnnxDimension(long Value, string? Symbol)
{
    public bool IsFixed => Value >= 0;

    public static OnnxDimension Fixed(long value) => new(value, null);

    public static OnnxDimension Symbolic(string symbol) => new(-1, symbol);

    public static OnnxDimension Unknown => new(-1, null);
}

/// <summary>The case of a TypeProto's <c>value</c> oneof.</summary>
internal enum OnnxValueKind
{
    /// <summary>No type given.</summary>
    None,
    Tensor,
    SparseTensor,
    Sequence,
    Map,
    Optional,
    Opaque,
}
