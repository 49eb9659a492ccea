using Aot.Protocol;
using System.Runtime.InteropServices;
using Aot.Runtime;
using Google.Protobuf;
using Onnx;

namespace Aot.Quantization;

/// <summary>Reading float initializers and making the int8 / uint8 / int32 / float initializers a rewrite adds.</summary>
internal static class TensorData
{
    public static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)ElementType.Float;

    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (long dim in tensor.Dims)
        {
            count *= dim;
        }

        return count;
    }

    /// <summary>The values of a float initializer, from raw_data (little-endian) or float_data.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (!IsFloat(tensor))
        {
            throw new InvalidOperationException($"Initializer '{tensor.Name}' is {(ElementType)tensor.DataType}, not float.");
        }

        if (!tensor.RawData.IsEmpty)
        {
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        return [.. tensor.FloatData];
    }

    /// <summary>Moves typed repeated fields into raw_data, the one layout external data can hold.</summary>
    public static void ToRaw(TensorProto tensor)
    {
        if (tensor.FloatData.Count > 0)
        {
            float[] values = [.. tensor.FloatData];
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
            tensor.FloatData.Clear();
        }
    }

    public static TensorProto Int8(string name, sbyte[] values, params long[] dims) =>
        Make(name, ElementType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto UInt8(string name, byte[] values, params long[] dims) =>
        Make(name, ElementType.UInt8, values, dims);

    public static TensorProto Int32(string name, int[] values, params long[] dims) =>
        Make(name, ElementType.Int32, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Int64(string name, long[] values, params long[] dims) =>
        Make(name, ElementType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Float(string name, float[] values, params long[] dims) =>
        Make(name, ElementType.Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    private static TensorProto Make(string name, ElementType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
