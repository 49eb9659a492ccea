using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Http;
using Aot.Protocol;

namespace Aot.Server.Tests.Unit;

public class JsonTensorTests
{
    private static byte[] Read(string json, ElementType type, int count)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        var destination = new byte[count * ElementTypes.SizeOf(type)];
        JsonTensorReader.ReadFlattened(ref reader, type, destination, "x");
        return destination;
    }

    private static string Write(ElementType type, byte[] data, long[]? nestedShape = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (nestedShape is null)
            {
                JsonTensorWriter.WriteFlat(json, type, data);
            }
            else
            {
                JsonTensorWriter.WriteNested(json, type, data, nestedShape);
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static TheoryData<ElementType, string, string> EveryType => new()
    {
        { ElementType.Float, "[1.5,-2,3.25]", "[1.5,-2,3.25]" },
        { ElementType.Double, "[1.000000000001,-2,1e300]", "[1.000000000001,-2,1E+300]" },
        { ElementType.Float16, "[0.5,-2,65504]", "[0.5,-2,65504]" },
        { ElementType.BFloat16, "[1,-2.5,256]", "[1,-2.5,256]" },
        { ElementType.Int8, "[-128,0,127]", "[-128,0,127]" },
        { ElementType.Int16, "[-32768,1,32767]", "[-32768,1,32767]" },
        { ElementType.Int32, "[-2147483648,2,2147483647]", "[-2147483648,2,2147483647]" },
        { ElementType.Int64, "[-9223372036854775808,3,9223372036854775807]", "[-9223372036854775808,3,9223372036854775807]" },
        { ElementType.UInt8, "[0,1,255]", "[0,1,255]" },
        { ElementType.UInt16, "[0,1,65535]", "[0,1,65535]" },
        { ElementType.UInt32, "[0,1,4294967295]", "[0,1,4294967295]" },
        { ElementType.UInt64, "[0,1,18446744073709551615]", "[0,1,18446744073709551615]" },
        { ElementType.Bool, "[true,false,1]", "[true,false,true]" },
    };

    [Theory]
    [MemberData(nameof(EveryType))]
    public void Every_element_type_round_trips_through_json(ElementType type, string input, string expected)
    {
        byte[] bytes = Read(input, type, 3);
        Assert.Equal(expected, Write(type, bytes));
    }

    [Fact]
    public void Nested_and_flat_arrays_give_the_same_bytes()
    {
        Assert.Equal(Read("[1,2,3,4,5,6]", ElementType.Int32, 6), Read("[[1,2,3],[4,5,6]]", ElementType.Int32, 6));
        Assert.Equal(Read("[1,2,3,4,5,6]", ElementType.Int32, 6), Read("[[[1],[2]],[[3],[4]],[[5],[6]]]", ElementType.Int32, 6));
    }

    [Fact]
    public void Non_finite_floats_are_strings_both_ways()
    {
        byte[] bytes = Read("[\"NaN\",\"Infinity\",\"-Infinity\"]", ElementType.Float, 3);
        float[] values = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal("[\"NaN\",\"Infinity\",\"-Infinity\"]", Write(ElementType.Float, bytes));
    }

    [Theory]
    [InlineData("[1,2]", ElementType.Int32, "has 2 values but its shape needs 3")]
    [InlineData("[1,2,3,4]", ElementType.Int32, "more values than its shape needs")]
    [InlineData("[1,2,300]", ElementType.UInt8, "the number 300, which is not a valid UINT8 value")]
    [InlineData("[1,2.5,3]", ElementType.Int64, "the number 2.5, which is not a valid INT64 value")]
    [InlineData("[1,\"a\",3]", ElementType.Float, "the string \"a\"")]
    [InlineData("[true,2,false]", ElementType.Bool, "not a valid BOOL value")]
    public void Bad_values_are_400s_naming_the_input(string json, ElementType type, string expected)
    {
        var ex = Assert.Throws<InferenceException>(() => Read(json, type, 3));
        Assert.Equal(Aot.Protocol.ErrorCode.BadRequest, ex.Code);
        Assert.Contains("'x'", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("[[1,2,3],[4,5,6]]", new long[] { 2, 3 })]
    [InlineData("[1,2,3]", new long[] { 3 })]
    [InlineData("[[[1]],[[2]]]", new long[] { 2, 1, 1 })]
    [InlineData("[[],[]]", new long[] { 2, 0 })]
    public void Nested_arrays_give_their_shape(string json, long[] expected)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        Span<long> shape = stackalloc long[8];
        int rank = JsonTensorReader.MeasureShape(reader, shape, "x");
        Assert.Equal(expected, shape[..rank].ToArray());
    }

    [Theory]
    [InlineData("[[1,2],[3]]", "ragged")]
    [InlineData("[[1,2],3]", "mixes values and arrays")]
    [InlineData("[1,[2,3]]", "mixes values and arrays")]
    public void Ragged_or_mixed_arrays_are_refused(string json, string expected)
    {
        var ex = Assert.Throws<InferenceException>(() => Measure(json));
        Assert.Contains(expected, ex.Message);
    }

    private static int Measure(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return JsonTensorReader.MeasureShape(reader, new long[8], "x");
    }

    [Fact]
    public void Nested_writer_follows_the_shape()
    {
        int[] values = [1, 2, 3, 4, 5, 6];
        Assert.Equal("[[1,2,3],[4,5,6]]", Write(ElementType.Int32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), [2, 3]));
        Assert.Equal("[[[1,2]],[[3,4]],[[5,6]]]", Write(ElementType.Int32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), [3, 1, 2]));
    }
}
