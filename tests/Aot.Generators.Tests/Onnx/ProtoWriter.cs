using System.Text;

namespace Aot.Generators.Tests.Onnx;

/// <summary>
/// A tiny Protocol Buffers writer for building ONNX test models. A message is a list of segments so that a huge
/// zero-filled payload (a 100 MB weight) costs nothing until it is streamed out.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly List<(byte[]? Bytes, long Zeros)> _segments = new();
    private MemoryStream _current = new();

    public long Length => _segments.Sum(s => s.Bytes?.Length ?? s.Zeros) + _current.Length;

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        RawVarint(unchecked((ulong)value));
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        _current.Write(value);
        return this;
    }

    /// <summary>A length-delimited field of <paramref name="count"/> zero bytes, kept virtual until written.</summary>
    public ProtoWriter Zeros(int field, long count)
    {
        Tag(field, 2);
        RawVarint((ulong)count);
        Flush();
        _segments.Add((null, count));
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var child = new ProtoWriter();
        build(child);
        return Message(field, child);
    }

    public ProtoWriter Message(int field, ProtoWriter child)
    {
        Tag(field, 2);
        RawVarint((ulong)child.Length);
        Flush();
        child.Flush();
        _segments.AddRange(child._segments);
        return this;
    }

    /// <summary>Appends raw bytes (for malformed-input tests).</summary>
    public ProtoWriter Raw(params byte[] bytes)
    {
        _current.Write(bytes);
        return this;
    }

    public ProtoWriter Tag(int field, int wireType)
    {
        RawVarint(((ulong)field << 3) | (uint)wireType);
        return this;
    }

    public ProtoWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _current.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _current.WriteByte((byte)value);
        return this;
    }

    public void WriteTo(Stream stream)
    {
        Flush();
        byte[] zeros = new byte[1 << 20];
        foreach ((byte[]? bytes, long count) in _segments)
        {
            if (bytes is not null)
            {
                stream.Write(bytes);
                continue;
            }

            for (long left = count; left > 0; left -= zeros.Length)
            {
                stream.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
            }
        }
    }

    public byte[] ToArray()
    {
        var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    private void Flush()
    {
        if (_current.Length > 0)
        {
            _segments.Add((_current.ToArray(), 0));
            _current = new MemoryStream();
        }
    }
}
