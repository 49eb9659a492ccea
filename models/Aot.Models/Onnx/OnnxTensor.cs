using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Aot.Protocol;

namespace Aot.Models.Onnx;

/// <summary>
/// An ONNX <c>TensorProto</c>: an initializer or attribute value. Numeric data is kept as little-endian
/// <c>raw_data</c>; strings use <c>string_data</c>; external tensors name a side file instead.
/// </summary>
public sealed record OnnxTensor
{
    /// <summary>Creates a tensor; prefer the factory methods, which check that the data matches the shape.</summary>
    public OnnxTensor(string name, ElementType dataType, IReadOnlyList<long> dims)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
    }

    /// <summary>The tensor's name (the initializer name in a graph).</summary>
    public string Name { get; init; }

    /// <summary>The element type.</summary>
    public ElementType DataType { get; init; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims { get; init; }

    /// <summary>Little-endian element bytes (<c>raw_data</c>).</summary>
    public ReadOnlyMemory<byte> RawData { get; init; }

    /// <summary>The elements of a <see cref="ElementType.String"/> tensor (<c>string_data</c>).</summary>
    public IReadOnlyList<string>? StringData { get; init; }

    /// <summary>Set when the bytes live in a side file (<c>data_location = EXTERNAL</c>).</summary>
    public OnnxExternalData? ExternalData { get; init; }

    /// <summary>Human-readable documentation (<c>doc_string</c>).</summary>
    public string? DocString { get; init; }

    /// <summary>Number of elements the shape holds.</summary>
    public long ElementCount => Dims.Aggregate(1L, (product, dim) => checked(product * dim));

    /// <summary>A float tensor; the values are copied.</summary>
    public static OnnxTensor FromFloats(string name, IReadOnlyList<long> dims, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return FromRawData(name, ElementType.Float, dims, bytes);
    }

    /// <summary>An int64 tensor; the values are copied.</summary>
    public static OnnxTensor FromInt64s(string name, IReadOnlyList<long> dims, ReadOnlySpan<long> values)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return FromRawData(name, ElementType.Int64, dims, bytes);
    }

    /// <summary>
    /// A float tensor whose little-endian bytes are written in place by <paramref name="fill"/>, so large
    /// weights are allocated once (no float[] then byte[] copy).
    /// </summary>
    public static OnnxTensor CreateFloat(string name, IReadOnlyList<long> dims, Action<Span<float>> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var tensor = new OnnxTensor(name, ElementType.Float, dims);
        var bytes = new byte[checked(tensor.ElementCount * sizeof(float))];
        var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        fill(floats);
        if (!BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        return tensor with { RawData = bytes };
    }

    /// <summary>A tensor from little-endian element bytes; the length must match the shape and type.</summary>
    public static OnnxTensor FromRawData(string name, ElementType dataType, IReadOnlyList<long> dims, ReadOnlyMemory<byte> rawData)
    {
        var tensor = new OnnxTensor(name, dataType, dims) { RawData = rawData };
        var expected = ElementTypes.ByteCount(dataType, tensor.ElementCount);
        if (rawData.Length != expected)
            throw new ArgumentException($"Tensor '{name}' of {dataType} [{string.Join(", ", dims)}] needs {expected} bytes, got {rawData.Length}.", nameof(rawData));
        return tensor;
    }

    /// <summary>A string tensor.</summary>
    public static OnnxTensor FromStrings(string name, IReadOnlyList<long> dims, IReadOnlyList<string> values)
    {
        var tensor = new OnnxTensor(name, ElementType.String, dims) { StringData = values };
        if (values.Count != tensor.ElementCount)
            throw new ArgumentException($"Tensor '{name}' [{string.Join(", ", dims)}] needs {tensor.ElementCount} strings, got {values.Count}.", nameof(values));
        return tensor;
    }

    /// <summary>A tensor whose bytes the caller writes to <paramref name="externalData"/>'s file.</summary>
    public static OnnxTensor External(string name, ElementType dataType, IReadOnlyList<long> dims, OnnxExternalData externalData) =>
        new(name, dataType, dims) { ExternalData = externalData };
}
