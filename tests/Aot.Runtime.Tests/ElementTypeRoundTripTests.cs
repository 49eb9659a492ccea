using Aot.Protocol;
using Aot.Models.Onnx;

namespace Aot.Runtime.Tests;

/// <summary>Every element type the runtime binds goes in and comes out bit-exact (Identity models).</summary>
public class ElementTypeRoundTripTests
{
    [Fact] public void Float() => RoundTrip(ElementType.Float, [1.5f, -2f, float.MaxValue, float.Epsilon, 0f, 3f]);
    [Fact] public void Double() => RoundTrip(ElementType.Double, [1.5, -2, double.MaxValue, double.Epsilon, 0, 3]);
    [Fact] public void Float16() => RoundTrip(ElementType.Float16, [(Half)1.5f, (Half)(-2f), Half.MaxValue, Half.Epsilon, (Half)0f, (Half)3f]);
    [Fact] public void BFloat16() => RoundTrip(ElementType.BFloat16, [(BFloat16)1.5f, (BFloat16)(-2f), new BFloat16(0x7F7F), new BFloat16(1), (BFloat16)0f, (BFloat16)3f]);
    [Fact] public void Int8() => RoundTrip(ElementType.Int8, new sbyte[] { 1, -2, sbyte.MaxValue, sbyte.MinValue, 0, 3 });
    [Fact] public void UInt8() => RoundTrip(ElementType.UInt8, new byte[] { 1, 2, byte.MaxValue, 0, 0, 3 });
    [Fact] public void Int16() => RoundTrip(ElementType.Int16, new short[] { 1, -2, short.MaxValue, short.MinValue, 0, 3 });
    [Fact] public void UInt16() => RoundTrip(ElementType.UInt16, new ushort[] { 1, 2, ushort.MaxValue, 0, 0, 3 });
    [Fact] public void Int32() => RoundTrip(ElementType.Int32, [1, -2, int.MaxValue, int.MinValue, 0, 3]);
    [Fact] public void UInt32() => RoundTrip(ElementType.UInt32, [1u, 2u, uint.MaxValue, 0u, 0u, 3u]);
    [Fact] public void Int64() => RoundTrip(ElementType.Int64, [1L, -2L, long.MaxValue, long.MinValue, 0L, 3L]);
    [Fact] public void UInt64() => RoundTrip(ElementType.UInt64, [1UL, 2UL, ulong.MaxValue, 0UL, 0UL, 3UL]);
    [Fact] public void Bool() => RoundTrip(ElementType.Bool, [true, false, true, true, false, false]);

    [Fact]
    public void String()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Identity(ElementType.String, "batch", 3));
        using ModelRunner runner = model.CreateRunner();
        string[] values = ["hello", "", "naïve 日本語", "a", "b", "c"];
        runner.SetStringInput(0, values, [2, 3]);
        runner.Run();
        Assert.Equal(values, runner.GetStringOutput(0));
        Assert.Equal([2L, 3], runner.GetOutputShape(0).ToArray());
        Assert.Throws<ModelInputException>(() => runner.GetInputBytes(0, [2, 3]));
    }

    [Fact]
    public void Raw_bytes_view_matches_the_typed_view()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Identity(ElementType.Int32, "batch", 3));
        using ModelRunner runner = model.CreateRunner();
        Span<byte> bytes = runner.GetInputBytes(0, [1, 3]);
        Assert.Equal(12, bytes.Length);
        BitConverter.TryWriteBytes(bytes[4..], 0x01020304);
        runner.Run();
        Assert.Equal(0x01020304, runner.GetOutput<int>(0)[1]);
        Assert.Equal(bytes.ToArray(), runner.GetOutputBytes(0).ToArray());
    }

    private static void RoundTrip<T>(ElementType type, T[] values) where T : unmanaged
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Identity(type, "batch", 3));
        Assert.Equal(type, model.Metadata.Inputs[0].ElementType);
        using ModelRunner runner = model.CreateRunner();
        long[] shape = [2, 3];
        values.CopyTo(runner.GetInputBuffer<T>(0, shape));
        runner.Run();
        runner.Run();
        Assert.Equal(values, runner.GetOutput<T>(0).ToArray());
        Assert.Equal(shape, runner.GetOutputShape(0).ToArray());
    }
}
