namespace Aot.Protocol.Tests;

public class ElementTypesTests
{
    [Fact]
    public void Clr_types_map_to_onnx_element_types()
    {
        Assert.Equal(ElementType.Float, ElementTypes.Of<float>());
        Assert.Equal(ElementType.Double, ElementTypes.Of<double>());
        Assert.Equal(ElementType.Float16, ElementTypes.Of<Half>());
        Assert.Equal(ElementType.BFloat16, ElementTypes.Of<BFloat16>());
        Assert.Equal(ElementType.Int8, ElementTypes.Of<sbyte>());
        Assert.Equal(ElementType.UInt8, ElementTypes.Of<byte>());
        Assert.Equal(ElementType.Int16, ElementTypes.Of<short>());
        Assert.Equal(ElementType.UInt16, ElementTypes.Of<ushort>());
        Assert.Equal(ElementType.Int32, ElementTypes.Of<int>());
        Assert.Equal(ElementType.UInt32, ElementTypes.Of<uint>());
        Assert.Equal(ElementType.Int64, ElementTypes.Of<long>());
        Assert.Equal(ElementType.UInt64, ElementTypes.Of<ulong>());
        Assert.Equal(ElementType.Bool, ElementTypes.Of<bool>());
        Assert.Equal(ElementType.Undefined, ElementTypes.Of<decimal>());
    }

    [Theory]
    [InlineData(ElementType.Float, 4)]
    [InlineData(ElementType.Double, 8)]
    [InlineData(ElementType.Float16, 2)]
    [InlineData(ElementType.BFloat16, 2)]
    [InlineData(ElementType.Bool, 1)]
    [InlineData(ElementType.Int64, 8)]
    [InlineData(ElementType.String, 0)]
    [InlineData(ElementType.Float8E4M3FN, 0)]
    [InlineData(ElementType.Int4, 0)]
    public void Sizes(ElementType type, int size) => Assert.Equal(size, ElementTypes.SizeOf(type));

    [Fact]
    public void Every_supported_type_round_trips_through_its_kserve_name()
    {
        foreach (ElementType type in Enum.GetValues<ElementType>().Where(ElementTypes.IsSupported))
        {
            Assert.True(ElementTypes.TryParseKServeName(ElementTypes.ToKServeName(type), out ElementType parsed), type.ToString());
            Assert.Equal(type, parsed);
        }

        Assert.False(ElementTypes.TryParseKServeName("fp32", out _));
        Assert.False(ElementTypes.IsSupported(ElementType.Complex64));
    }

    [Theory]
    [InlineData(1.0f)]
    [InlineData(-2.5f)]
    [InlineData(0f)]
    [InlineData(65504f)]
    [InlineData(3.0e38f)]
    public void BFloat16_round_trips_values_it_can_represent(float value) =>
        Assert.Equal(value, (float)(BFloat16)value, 0.01f * Math.Abs(value) + 1e-6f);

    [Fact]
    public void BFloat16_rounds_to_nearest_even_and_keeps_nan()
    {
        Assert.Equal(0x3F80, ((BFloat16)1.0f).Bits);
        Assert.Equal(0x3F80, ((BFloat16)BitConverter.UInt32BitsToSingle(0x3F808000)).Bits); // tie → even
        Assert.Equal(0x3F82, ((BFloat16)BitConverter.UInt32BitsToSingle(0x3F818000)).Bits); // tie → even (up)
        Assert.True(float.IsNaN((float)(BFloat16)float.NaN));
    }

    [Theory]
    [InlineData(ElementType.Float, 32)]
    [InlineData(ElementType.Bool, 8)]
    [InlineData(ElementType.Float8E5M2, 8)]
    [InlineData(ElementType.Int4, 4)]
    [InlineData(ElementType.Float4E2M1, 4)]
    [InlineData(ElementType.Complex128, 128)]
    [InlineData(ElementType.String, 0)]
    public void Bits_per_element_cover_types_the_runtime_cannot_bind(ElementType type, int bits) =>
        Assert.Equal(bits, ElementTypes.BitsPerElement(type));

    [Fact]
    public void Packed_byte_counts_round_up_and_strings_have_none()
    {
        Assert.Equal(2, ElementTypes.ByteCount(ElementType.Int4, 3));
        Assert.Equal(24, ElementTypes.ByteCount(ElementType.Float, 6));
        Assert.Throws<ArgumentException>(() => ElementTypes.ByteCount(ElementType.String, 1));
    }

    [Fact]
    public void Every_bindable_size_agrees_with_its_bit_count()
    {
        foreach (ElementType type in Enum.GetValues<ElementType>().Where(t => ElementTypes.SizeOf(t) > 0))
        {
            Assert.Equal(ElementTypes.SizeOf(type) * 8, ElementTypes.BitsPerElement(type));
        }
    }
}
