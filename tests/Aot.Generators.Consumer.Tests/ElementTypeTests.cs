using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Generators.Consumer.Tests;

/// <summary>Every element type round-trips through its typed accessors (Identity per type).</summary>
public sealed class ElementTypeTests
{
    [Fact]
    public void Every_supported_element_type_round_trips()
    {
        using var model = new AllTypes(FixtureModels.Path("all-types.onnx"));

        new float[] { 1.5f, -2 }.CopyTo(model.InFloat(2));
        new byte[] { 0, 255 }.CopyTo(model.InUint8(2));
        new sbyte[] { -128, 127 }.CopyTo(model.InInt8(2));
        new ushort[] { 0, 65535 }.CopyTo(model.InUint16(2));
        new short[] { -32768, 32767 }.CopyTo(model.InInt16(2));
        new[] { int.MinValue, int.MaxValue }.CopyTo(model.InInt32(2));
        new[] { long.MinValue, long.MaxValue }.CopyTo(model.InInt64(2));
        model.SetInString(new[] { "héllo", "" }, 2);
        new[] { true, false }.CopyTo(model.InBool(2));
        new[] { (Half)0.5f, (Half)(-3) }.CopyTo(model.InFloat16(2));
        new[] { Math.PI, double.NegativeInfinity }.CopyTo(model.InDouble(2));
        new[] { 0u, uint.MaxValue }.CopyTo(model.InUint32(2));
        new[] { 0ul, ulong.MaxValue }.CopyTo(model.InUint64(2));
        new[] { (BFloat16)1.5f, (BFloat16)(-0.25f) }.CopyTo(model.InBfloat16(2));
        model.Scalar()[0] = 42;

        model.Run();

        Assert.Equal(new float[] { 1.5f, -2 }, model.OutFloat.ToArray());
        Assert.Equal(new byte[] { 0, 255 }, model.OutUint8.ToArray());
        Assert.Equal(new sbyte[] { -128, 127 }, model.OutInt8.ToArray());
        Assert.Equal(new ushort[] { 0, 65535 }, model.OutUint16.ToArray());
        Assert.Equal(new short[] { -32768, 32767 }, model.OutInt16.ToArray());
        Assert.Equal(new[] { int.MinValue, int.MaxValue }, model.OutInt32.ToArray());
        Assert.Equal(new[] { long.MinValue, long.MaxValue }, model.OutInt64.ToArray());
        Assert.Equal(new[] { "héllo", "" }, model.GetOutString());
        Assert.Equal(new long[] { 2 }, model.OutStringShape.ToArray());
        Assert.Equal(new[] { true, false }, model.OutBool.ToArray());
        Assert.Equal(new[] { (Half)0.5f, (Half)(-3) }, model.OutFloat16.ToArray());
        Assert.Equal(new[] { Math.PI, double.NegativeInfinity }, model.OutDouble.ToArray());
        Assert.Equal(new[] { 0u, uint.MaxValue }, model.OutUint32.ToArray());
        Assert.Equal(new[] { 0ul, ulong.MaxValue }, model.OutUint64.ToArray());
        Assert.Equal(new[] { 1.5f, -0.25f }, model.OutBfloat16.ToArray().Select(b => (float)b));
        Assert.Equal(42, model.ScalarOut[0]);
        Assert.Empty(model.ScalarOutShape.ToArray());
    }

    [Fact]
    public void Element_type_constants_match_the_runtime()
    {
        Assert.Equal(ElementType.BFloat16, AllTypes.Inputs.InBfloat16.ElementType);
        Assert.Equal(ElementType.Float16, AllTypes.Outputs.OutFloat16.ElementType);
        Assert.Equal(ElementType.String, AllTypes.Inputs.InString.ElementType);
        Assert.Equal(0, AllTypes.Inputs.Scalar.Rank);
    }
}
