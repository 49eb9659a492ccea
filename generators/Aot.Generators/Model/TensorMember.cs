namespace Aot.Generators.Model;

/// <summary>One input or output and the members generated for it.</summary>
/// <param name="Index">Position in the model's inputs or outputs.</param>
/// <param name="OnnxName">The name exactly as in the model.</param>
/// <param name="Name">Sanitised base name: the nested metadata class, and the accessor for numeric tensors.</param>
/// <param name="AccessorName">Input: the method that sets the shape (X, or SetX for strings). Output: the property (X) or method (GetX for strings).</param>
/// <param name="ShapeName">Output only: the property with the actual shape (XShape).</param>
/// <param name="ElementType">TensorProto.DataType value.</param>
/// <param name="ElementTypeName">Member of <c>Aot.Protocol.ElementType</c>, e.g. <c>Int64</c>.</param>
/// <param name="CSharpType">Element type in C#, e.g. <c>long</c> or <c>global::System.Half</c>.</param>
/// <param name="TypeText">Type in ONNX words for docs, e.g. <c>int64 [batch, sequence]</c>.</param>
/// <param name="HasShape">False when the model gives no shape (unknown rank): the input method takes the shape.</param>
/// <param name="Dimensions">The declared dimensions (empty for a scalar or an unknown rank).</param>
/// <param name="Parameters">Input only: the method's dimension parameters, in order (a symbol used twice is one parameter).</param>
/// <param name="DocString">The model's doc string for this value.</param>
internal sealed record TensorMember(
    int Index,
    string OnnxName,
    string Name,
    string AccessorName,
    string? ShapeName,
    int ElementType,
    string ElementTypeName,
    string CSharpType,
    string TypeText,
    bool HasShape,
    EquatableArray<DimensionInfo> Dimensions,
    EquatableArray<string> Parameters,
    string DocString)
{
    public bool IsString => ElementType == 8;

    public int Rank => HasShape ? Dimensions.Count : -1;
}

/// <summary>One dimension: fixed (<see cref="Value"/> &gt;= 0), or filled from <see cref="Parameter"/> (inputs).</summary>
/// <param name="Value">The fixed size, or -1.</param>
/// <param name="Symbol">The ONNX dim_param, if any.</param>
/// <param name="Parameter">Input methods: the C# parameter giving this dimension (escaped, e.g. <c>@class</c>); null when fixed.</param>
internal sealed record DimensionInfo(long Value, string? Symbol, string? Parameter)
{
    public bool IsFixed => Value >= 0;
}
