namespace Aot.Client.Protocol;

/// <summary>
/// Tensor element types on the wire, numbered as ONNX's <c>TensorProto.DataType</c> (and so as
/// <c>Aot.Runtime.ElementType</c>). Values are little-endian; <see cref="Bool"/> is one byte, 0 or 1.
/// </summary>
public enum WireDataType : byte
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,
    /// <summary>Unsigned byte.</summary>
    UInt8 = 2,
    /// <summary>Signed byte.</summary>
    Int8 = 3,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>Strings: each element is a little-endian u32 byte length followed by that many UTF-8 bytes.</summary>
    String = 8,
    /// <summary>One byte per element, 0 or 1.</summary>
    Bool = 9,
    /// <summary>IEEE half precision.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,
    /// <summary>Brain float 16.</summary>
    BFloat16 = 16,
}

/// <summary>Facts about <see cref="WireDataType"/>.</summary>
public static class WireDataTypes
{
    /// <summary>Bytes per element; 0 for <see cref="WireDataType.String"/> (variable) and unknown values.</summary>
    public static int SizeOf(WireDataType type) => type switch
    {
        WireDataType.Float or WireDataType.Int32 or WireDataType.UInt32 => 4,
        WireDataType.UInt8 or WireDataType.Int8 or WireDataType.Bool => 1,
        WireDataType.UInt16 or WireDataType.Int16 or WireDataType.Float16 or WireDataType.BFloat16 => 2,
        WireDataType.Int64 or WireDataType.UInt64 or WireDataType.Double => 8,
        _ => 0,
    };

    /// <summary>The element type of <typeparamref name="T"/> (float, double, Half, sbyte … ulong, bool).</summary>
    public static WireDataType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return WireDataType.Float;
        if (typeof(T) == typeof(double)) return WireDataType.Double;
        if (typeof(T) == typeof(Half)) return WireDataType.Float16;
        if (typeof(T) == typeof(sbyte)) return WireDataType.Int8;
        if (typeof(T) == typeof(short)) return WireDataType.Int16;
        if (typeof(T) == typeof(int)) return WireDataType.Int32;
        if (typeof(T) == typeof(long)) return WireDataType.Int64;
        if (typeof(T) == typeof(byte)) return WireDataType.UInt8;
        if (typeof(T) == typeof(ushort)) return WireDataType.UInt16;
        if (typeof(T) == typeof(uint)) return WireDataType.UInt32;
        if (typeof(T) == typeof(ulong)) return WireDataType.UInt64;
        if (typeof(T) == typeof(bool)) return WireDataType.Bool;
        throw new NotSupportedException($"{typeof(T)} has no wire data type; BF16 tensors are sent as raw bytes.");
    }
}
