namespace Aot.Models.Protobuf;

/// <summary>The protobuf wire types this writer emits (groups, 3 and 4, are obsolete and never used by ONNX).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
