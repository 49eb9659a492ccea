using System.Buffers.Binary;
using System.Text;

namespace Aot.Models.Tests;

/// <summary>
/// A minimal, independent protobuf decoder for checking what the writer produced: a message is decoded into its
/// fields in order, and nested messages are decoded on demand from a field's bytes. Length-delimited fields are
/// slices of the input (no copies), so scanning a 400 MB model costs little more than reading it.
/// </summary>
internal sealed class ProtobufReader
{
    private ProtobufReader(IReadOnlyList<Field> fields) => Fields = fields;

    public IReadOnlyList<Field> Fields { get; }

    public static ProtobufReader Parse(ReadOnlyMemory<byte> memory)
    {
        var bytes = memory.Span;
        var fields = new List<Field>();
        var position = 0;
        while (position < bytes.Length)
        {
            var key = ReadVarint(bytes, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add(new Field(number, wireType, ReadVarint(bytes, ref position), default));
                    break;
                case 1:
                    fields.Add(new Field(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(bytes[position..]), default));
                    position += 8;
                    break;
                case 2:
                    var length = checked((int)ReadVarint(bytes, ref position));
                    fields.Add(new Field(number, wireType, 0, memory.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add(new Field(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(bytes[position..]), default));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {wireType} at byte {position}.");
            }
        }
        return new ProtobufReader(fields);
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("Varint longer than 10 bytes.");
    }

    public IEnumerable<Field> All(int number) => Fields.Where(field => field.Number == number);

    public Field Single(int number) => Assert.Single(All(number));

    public bool Has(int number) => All(number).Any();

    public ulong Varint(int number) => Single(number).Value;

    public string String(int number) => Single(number).String;

    public ProtobufReader Message(int number) => Single(number).Message;

    public sealed record Field(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Bytes)
    {
        public string String => Encoding.UTF8.GetString(Bytes.Span);

        public ProtobufReader Message => Parse(Bytes);

        public float Float => BitConverter.Int32BitsToSingle((int)Value);

        public long Int64 => unchecked((long)Value);
    }
}
