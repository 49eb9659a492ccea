namespace Aot.Generators.Model;

/// <summary>
/// ONNX element types the typed API binds, as <c>Aot.Runtime.ElementType</c> members and C# types; the same set as
/// <c>ElementTypes.IsSupported</c> (no sub-byte, FP8 or complex types, which have no C# element type to span over).
/// </summary>
internal static class ElementTypeMap
{
    public static bool TryGet(int elementType, out string runtimeName, out string csharpType)
    {
        (runtimeName, csharpType) = elementType switch
        {
            1 => ("Float", "float"),
            2 => ("UInt8", "byte"),
            3 => ("Int8", "sbyte"),
            4 => ("UInt16", "ushort"),
            5 => ("Int16", "short"),
            6 => ("Int32", "int"),
            7 => ("Int64", "long"),
            8 => ("String", "string"),
            9 => ("Bool", "bool"),
            10 => ("Float16", "global::System.Half"),
            11 => ("Double", "double"),
            12 => ("UInt32", "uint"),
            13 => ("UInt64", "ulong"),
            16 => ("BFloat16", "global::Aot.Runtime.BFloat16"),
            _ => ("", ""),
        };
        return runtimeName.Length > 0;
    }
}
