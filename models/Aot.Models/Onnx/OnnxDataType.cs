namespace Aot.Models.Onnx;

/// <summary>ONNX <c>TensorProto.DataType</c>: the element type of a tensor, with the values of onnx.proto.</summary>
public enum OnnxDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>IEEE 754 single precision.</summary>
    Float = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>UTF-8 string.</summary>
    String = 8,
    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,
    /// <summary>IEEE 754 half precision.</summary>
    Float16 = 10,
    /// <summary>IEEE 754 double precision.</summary>
    Double = 11,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,
    /// <summary>Two floats: real, imaginary.</summary>
    Complex64 = 14,
    /// <summary>Two doubles: real, imaginary.</summary>
    Complex128 = 15,
    /// <summary>bfloat16: the upper half of a float.</summary>
    BFloat16 = 16,
    /// <summary>8-bit float, 4 exponent bits, 3 mantissa bits, NaN only (IR 9).</summary>
    Float8E4M3FN = 17,
    /// <summary>8-bit float, 4 exponent bits, 3 mantissa bits, no negative zero (IR 9).</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>8-bit float, 5 exponent bits, 2 mantissa bits (IR 9).</summary>
    Float8E5M2 = 19,
    /// <summary>8-bit float, 5 exponent bits, 2 mantissa bits, no negative zero (IR 9).</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>Unsigned 4-bit integer, two per byte (IR 10).</summary>
    UInt4 = 21,
    /// <summary>Signed 4-bit integer, two per byte (IR 10).</summary>
    Int4 = 22,
    /// <summary>4-bit float, 2 exponent bits, 1 mantissa bit (IR 11).</summary>
    Float4E2M1 = 23,
}
