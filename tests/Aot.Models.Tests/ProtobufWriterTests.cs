using Aot.Models.Protobuf;

namespace Aot.Models.Tests;

/// <summary>The wire format, checked against the byte-exact examples of the protobuf encoding guide.</summary>
public class ProtobufWriterTests
{
    private static byte[] Write(Action<ProtobufWriter> write)
    {
        using var buffer = new MemoryStream();
        write(ProtobufWriter.ToStream(buffer));
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(150UL, new byte[] { 0x96, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varints_match_the_encoding_guide(ulong value, byte[] expected)
    {
        Assert.Equal(expected, Write(w => w.WriteVarint(value)));
        Assert.Equal(expected.Length, ProtobufWriter.VarintSize(value));
    }

    [Fact]
    public void Int64_field_is_tag_then_varint() =>
        // The guide's first example: field 1 = 150.
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, Write(w => w.WriteInt64(1, 150)));

    [Fact]
    public void Negative_int32_is_sign_extended_to_ten_bytes() =>
        Assert.Equal(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, Write(w => w.WriteInt32(1, -1)));

    [Fact]
    public void String_field_is_length_delimited_utf8() =>
        // The guide's example: field 2 = "testing".
        Assert.Equal(new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67 }, Write(w => w.WriteString(2, "testing")));

    [Fact]
    public void Non_ascii_string_counts_utf8_bytes() =>
        Assert.Equal(new byte[] { 0x0A, 0x03, 0xE2, 0x82, 0xAC }, Write(w => w.WriteString(1, "€")));

    [Fact]
    public void Float_field_is_fixed32_little_endian() =>
        Assert.Equal(new byte[] { 0x0D, 0x00, 0x00, 0x80, 0x3F }, Write(w => w.WriteFloat(1, 1f)));

    [Fact]
    public void Double_field_is_fixed64_little_endian() =>
        Assert.Equal(new byte[] { 0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F }, Write(w => w.WriteDouble(1, 1d)));

    [Fact]
    public void Embedded_message_is_prefixed_with_its_length() =>
        // The guide's example: field 3 holds a message whose field 1 = 150.
        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }, Write(w => w.WriteMessage(3, 150L, static (w, v) => w.WriteInt64(1, v))));

    [Fact]
    public void Counting_writer_counts_exactly_what_is_written()
    {
        static void Body(ProtobufWriter w)
        {
            w.WriteString(1, "a name");
            w.WriteMessage(2, 3, static (w, depth) =>
            {
                w.WriteInt64(1, -5);
                w.WriteBytes(2, new byte[300]);
                w.WriteMessage(3, depth, static (w, d) => w.WriteFloat(1, d));
            });
            w.WriteUInt64(3, ulong.MaxValue);
        }

        var counter = ProtobufWriter.Counting();
        Body(counter);
        Assert.Equal(Write(Body).Length, counter.Length);
    }

    [Fact]
    public void Nested_message_decodes_back()
    {
        var bytes = Write(w => w.WriteMessage(7, "inner", static (w, text) =>
        {
            w.WriteString(1, text);
            w.WriteBytes(9, new byte[200]);
        }));

        var inner = ProtobufReader.Parse(bytes).Message(7);
        Assert.Equal("inner", inner.String(1));
        Assert.Equal(200, inner.Single(9).Bytes.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(536_870_912)]
    public void Invalid_field_numbers_are_rejected(int fieldNumber) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Write(w => w.WriteInt64(fieldNumber, 1)));
}
