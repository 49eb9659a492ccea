namespace Aot.Generators.Onnx;

/// <summary>Names of TensorProto.DataType values, as ONNX writes them in type strings (<c>tensor(float)</c>).</summary>
internal static class OnnxElementTypes
{
    private static readonly string[] s_names =
    {
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16",
        "double", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
        "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1", "float8e8m0", "uint2", "int2",
    };

    public static string Name(int elementType) =>
        elementType >= 0 && elementType < s_names.Length
            ? s_names[elementType]
            : "element_type_" + elementType.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
