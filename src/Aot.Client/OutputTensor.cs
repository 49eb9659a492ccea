using System.Runtime.InteropServices;
using Aot.Protocol;

namespace Aot.Client;

/// <summary>One output of an inference response. Its data lives in the response's pooled buffer.</summary>
public sealed class OutputTensor
{
    internal OutputTensor(string name, ElementType dataType, long[] shape, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The model output's name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public ElementType DataType { get; }

    /// <summary>Shape of this request's part of the output.</summary>
    public long[] Shape { get; }

    /// <summary>Raw little-endian bytes; valid until the <see cref="InferResult"/> is disposed.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The data as <typeparamref name="T"/> values; valid until the <see cref="InferResult"/> is disposed.</summary>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Data.Span);

    /// <summary>Decodes a string (<see cref="ElementType.String"/>) output: one string per element, row-major.</summary>
    /// <exception cref="InvalidOperationException">The output is not a string tensor, or its data is malformed.</exception>
    public string[] ToStrings()
    {
        if (DataType != ElementType.String)
        {
            throw new InvalidOperationException($"Output '{Name}' holds {DataType} elements, not strings.");
        }

        var values = new List<string>();
        ReadOnlySpan<byte> rest = Data.Span;
        while (rest.Length > 0)
        {
            if (rest.Length < 4 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest) > (uint)(rest.Length - 4))
            {
                throw new InvalidOperationException($"Output '{Name}' holds malformed string data.");
            }

            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest);
            values.Add(System.Text.Encoding.UTF8.GetString(rest.Slice(4, length)));
            rest = rest[(4 + length)..];
        }

        return [.. values];
    }

    /// <summary>A copy of the data as an array of <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();
}
