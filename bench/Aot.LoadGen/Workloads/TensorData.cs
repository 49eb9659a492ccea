using System.Runtime.InteropServices;
using Aot.Client;
using Aot.Protocol;

namespace Aot.LoadGen.Workloads;

/// <summary>One input tensor of a workload: name, element type, shape and its raw little-endian bytes.</summary>
internal sealed record TensorData(string Name, ElementType DataType, long[] Shape, byte[] Bytes)
{
    /// <summary>A float tensor.</summary>
    public static TensorData Float(string name, long[] shape, float[] values) =>
        new(name, ElementType.Float, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>An int64 tensor.</summary>
    public static TensorData Int64(string name, long[] shape, long[] values) =>
        new(name, ElementType.Int64, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>KServe V2 datatype name (<c>FP32</c>, <c>INT64</c>).</summary>
    public string KServeDataType => DataType switch
    {
        ElementType.Float => "FP32",
        ElementType.Int64 => "INT64",
        _ => throw new NotSupportedException($"Workloads use FP32 and INT64 tensors only, not {DataType}."),
    };

    /// <summary>The tensor as the binary client's input.</summary>
    public InputTensor ToInputTensor() => new(Name, DataType, Shape, Bytes);

    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);
}
