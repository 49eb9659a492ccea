using System.Runtime.InteropServices;
using Aot.Protocol;

namespace Aot.Client;

/// <summary>One named input of an inference request: element type, shape and raw little-endian bytes.</summary>
public readonly struct InputTensor
{
    /// <summary>Creates an input from raw bytes (for BF16 or data already in wire format).</summary>
    public InputTensor(string name, ElementType dataType, long[] shape, ReadOnlyMemory<byte> data)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        DataType = dataType;
        Shape = shape ?? throw new ArgumentNullException(nameof(shape));
        Data = data;
    }

    /// <summary>The model input's name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public ElementType DataType { get; }

    /// <summary>Shape; the product times the element size must equal the data length.</summary>
    public long[] Shape { get; }

    /// <summary>Raw little-endian element bytes, row-major.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// Creates a string (BYTES) input: each value becomes a little-endian <c>u32</c> byte length followed by its
    /// UTF-8 bytes (the wire form of <see cref="ElementType.String"/>). <paramref name="values"/> holds product(shape) strings.
    /// </summary>
    public static InputTensor FromStrings(string name, long[] shape, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        long size = 0;
        foreach (string value in values)
        {
            size += 4 + System.Text.Encoding.UTF8.GetByteCount(value ?? throw new ArgumentException("Strings must not be null.", nameof(values)));
        }

        byte[] data = new byte[checked((int)size)];
        int at = 0;
        foreach (string value in values)
        {
            int length = System.Text.Encoding.UTF8.GetBytes(value, data.AsSpan(at + 4));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), (uint)length);
            at += 4 + length;
        }

        return new InputTensor(name, ElementType.String, shape, data);
    }

    /// <summary>Creates an input from an array of values (copied to bytes once).</summary>
    public static InputTensor Create<T>(string name, long[] shape, T[] values) where T : unmanaged =>
        new(name, ElementTypes.Of<T>(), shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
