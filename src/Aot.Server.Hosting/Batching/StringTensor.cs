using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Aot.Server.Batching;

/// <summary>
/// The one in-memory form of a string (BYTES) tensor inside the server, shared by every protocol: each element is a
/// little-endian <c>u32</c> byte length followed by that many UTF-8 bytes, elements in row-major order. It is
/// exactly the KServe binary tensor data extension's BYTES layout and the binary protocol's, so those are copied
/// as they are; JSON readers and writers convert element by element. ONNX Runtime gets .NET strings (the runtime
/// takes strings), so elements must be valid UTF-8.
/// </summary>
internal static class StringTensor
{
    /// <summary>Bytes of the length prefix of each element.</summary>
    public const int PrefixSize = 4;

    /// <summary>Checks that <paramref name="data"/> holds exactly <paramref name="count"/> well-formed elements; throws a 400 naming the input.</summary>
    public static void Validate(ReadOnlySpan<byte> data, long count, string inputName)
    {
        var reader = new Reader(data);
        long seen = 0;
        while (reader.Remaining > 0)
        {
            if (!reader.TryNext(out ReadOnlySpan<byte> element))
            {
                throw InferenceException.BadRequest($"Input '{inputName}' (BYTES) is malformed: element {seen} declares more bytes than remain (each element is a 4-byte little-endian length, then that many bytes).");
            }

            if (!Utf8.IsValid(element))
            {
                throw InferenceException.BadRequest($"Input '{inputName}' (BYTES) element {seen} is not valid UTF-8; this server passes string tensors to ONNX Runtime as text.");
            }

            seen++;
        }

        if (seen != count)
        {
            throw InferenceException.BadRequest($"Input '{inputName}' has {seen} BYTES elements but its shape needs {count}.");
        }
    }

    /// <summary>Decodes every element of <paramref name="data"/> into <paramref name="destination"/> (allocates the strings); returns the count.</summary>
    public static int Decode(ReadOnlySpan<byte> data, Span<string> destination)
    {
        var reader = new Reader(data);
        int i = 0;
        while (reader.TryNext(out ReadOnlySpan<byte> element))
        {
            destination[i++] = element.IsEmpty ? string.Empty : Encoding.UTF8.GetString(element);
        }

        return i;
    }

    /// <summary>Bytes <paramref name="values"/> take in this form.</summary>
    public static long ByteCount(ReadOnlySpan<string> values)
    {
        long bytes = 0;
        foreach (string value in values)
        {
            bytes += PrefixSize + Encoding.UTF8.GetByteCount(value ?? string.Empty);
        }

        return bytes;
    }

    /// <summary>Writes <paramref name="values"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<string> values, Span<byte> destination)
    {
        int at = 0;
        foreach (string value in values)
        {
            at += Write(value ?? string.Empty, destination[at..]);
        }

        return at;
    }

    /// <summary>Writes one element; returns the bytes written.</summary>
    public static int Write(string value, Span<byte> destination)
    {
        int length = Encoding.UTF8.GetBytes(value, destination[PrefixSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)length);
        return PrefixSize + length;
    }

    /// <summary>Writes one element from UTF-8 bytes; returns the bytes written.</summary>
    public static int Write(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)utf8.Length);
        utf8.CopyTo(destination[PrefixSize..]);
        return PrefixSize + utf8.Length;
    }

    /// <summary>Walks the elements of a tensor in this form.</summary>
    public ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly int Remaining => _rest.Length;

        /// <summary>The next element's UTF-8 bytes; false at the end or when the data is malformed.</summary>
        public bool TryNext(out ReadOnlySpan<byte> element)
        {
            if (_rest.Length < PrefixSize)
            {
                element = default;
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
            if (length > (uint)(_rest.Length - PrefixSize))
            {
                element = default;
                return false;
            }

            element = _rest.Slice(PrefixSize, (int)length);
            _rest = _rest[(PrefixSize + (int)length)..];
            return true;
        }

        /// <summary>Skips <paramref name="count"/> elements (the data was validated).</summary>
        public void Skip(long count)
        {
            for (long i = 0; i < count && TryNext(out _); i++)
            {
            }
        }
    }
}
