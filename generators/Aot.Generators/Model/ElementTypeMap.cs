namespace Aot.Generators.Model;

/// <summary>
/// ONNX element types the typed API binds, as <c>Aot.Protocol.ElementType</c> members and C# types; the same set as
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
            16 => ("BFloat16", "global::Aot.Protocol.BFloat16"),
            _ => ("", ""),
        };
        return runtimeName.Length > 0;
    }

    /// <summary>Bytes per element (the wire and ONNX Runtime layout); 0 for strings and unsupported types.</summary>
    public static int SizeOf(int elementType) => elementType switch
    {
        2 or 3 or 9 => 1,
        4 or 5 or 10 or 16 => 2,
        1 or 6 or 12 => 4,
        7 or 11 or 13 => 8,
        _ => 0,
    };
}
