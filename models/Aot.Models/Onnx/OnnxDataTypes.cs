namespace Aot.Models.Onnx;

/// <summary>Facts about <see cref="OnnxDataType"/> values.</summary>
public static class OnnxDataTypes
{
    /// <summary>Bits per element; 0 for strings and undefined.</summary>
    public static int BitsPerElement(OnnxDataType type) => type switch
    {
        OnnxDataType.Bool or OnnxDataType.UInt8 or OnnxDataType.Int8
            or OnnxDataType.Float8E4M3FN or OnnxDataType.Float8E4M3FNUZ
            or OnnxDataType.Float8E5M2 or OnnxDataType.Float8E5M2FNUZ => 8,
        OnnxDataType.UInt4 or OnnxDataType.Int4 or OnnxDataType.Float4E2M1 => 4,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 16,
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 32,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 64,
        OnnxDataType.Complex128 => 128,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elementCount"/> elements take in <c>raw_data</c> (4-bit types pack two per byte).</summary>
    public static long ByteCount(OnnxDataType type, long elementCount)
    {
        var bits = BitsPerElement(type);
        if (bits == 0)
            throw new ArgumentException($"{type} has no fixed-size raw encoding.", nameof(type));
        return checked((elementCount * bits + 7) / 8);
    }
}
