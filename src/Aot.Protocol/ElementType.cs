namespace Aot.Protocol;

/// <summary>
/// Tensor element types, numbered exactly as ONNX's <c>TensorProto.DataType</c> so values read from a
/// <c>.onnx</c> file (by the source generator) and from ONNX Runtime agree without a mapping table.
/// </summary>
public enum ElementType
{
    /// <summary>Not a tensor, or not known.</summary>
    Undefined = 0,
    /// <summary>32-bit IEEE float (<see cref="float"/>).</summary>
    Float = 1,
    /// <summary>Unsigned byte (<see cref="byte"/>).</summary>
    UInt8 = 2,
    /// <summary>Signed byte (<see cref="sbyte"/>).</summary>
    Int8 = 3,
    /// <summary>Unsigned 16-bit integer (<see cref="ushort"/>).</summary>
    UInt16 = 4,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16 = 5,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64 = 7,
    /// <summary>UTF-8 string (<see cref="string"/>); not bindable to raw buffers.</summary>
    String = 8,
    /// <summary>One byte per element, 0 or 1 (<see cref="bool"/>).</summary>
    Bool = 9,
    /// <summary>IEEE half precision (<see cref="System.Half"/>).</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float (<see cref="double"/>).</summary>
    Double = 11,
    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>).</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>).</summary>
    UInt64 = 13,
    /// <summary>Two 32-bit floats; not supported by this runtime.</summary>
    Complex64 = 14,
    /// <summary>Two 64-bit floats; not supported by this runtime.</summary>
    Complex128 = 15,
    /// <summary>Brain float 16 (<see cref="Protocol.BFloat16"/>).</summary>
    BFloat16 = 16,
    /// <summary>8-bit float, E4M3FN; not supported by this runtime.</summary>
    Float8E4M3FN = 17,
    /// <summary>8-bit float, E4M3FNUZ; not supported by this runtime.</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>8-bit float, E5M2; not supported by this runtime.</summary>
    Float8E5M2 = 19,
    /// <summary>8-bit float, E5M2FNUZ; not supported by this runtime.</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>Packed 4-bit unsigned integer; not supported by this runtime.</summary>
    UInt4 = 21,
    /// <summary>Packed 4-bit signed integer; not supported by this runtime.</summary>
    Int4 = 22,
    /// <summary>
    /// Packed 4-bit float, E2M1 (ONNX IR 11); not supported by this runtime. Listed so the model tools can write
    /// every type ONNX defines with the same enum the runtime reads.
    /// </summary>
    Float4E2M1 = 23,
}
