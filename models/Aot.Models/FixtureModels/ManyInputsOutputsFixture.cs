using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// Twelve inputs <c>in_00</c>..<c>in_11</c> passed through Identity to <c>out_00</c>..<c>out_11</c>, all [batch, 2],
/// cycling through FP16, BOOL, INT32 and FP64 (so in_00 is FP16, in_01 BOOL, in_02 INT32, in_03 FP64, ...).
/// </summary>
internal static class ManyInputsOutputsFixture
{
    public const string Name = "many-io";
    public const int Count = 12;

    public static IReadOnlyList<ElementType> TypeCycle { get; } =
        [ElementType.Float16, ElementType.Bool, ElementType.Int32, ElementType.Double];

    public static OnnxModel Build()
    {
        var indices = Enumerable.Range(0, Count).ToArray();
        return new OnnxModel(new OnnxGraph("many_io")
        {
            Nodes = [.. indices.Select(i => new OnnxNode("Identity", [$"in_{i:D2}"], [$"out_{i:D2}"]) { Name = $"identity_{i:D2}" })],
            Inputs = [.. indices.Select(i => OnnxValueInfo.Tensor($"in_{i:D2}", TypeCycle[i % TypeCycle.Count], "batch", 2))],
            Outputs = [.. indices.Select(i => OnnxValueInfo.Tensor($"out_{i:D2}", TypeCycle[i % TypeCycle.Count], "batch", 2))],
        });
    }
}
