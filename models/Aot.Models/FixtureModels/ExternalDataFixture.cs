using System.Buffers.Binary;
using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// <c>y = x · W + b</c> (x, y float [batch, 4]) whose weights live in the side file <c>external-data.bin</c>:
/// W [4, 4] = (0, 1, ..., 15) / 8 at offset 0, b [4] = (1, 2, 3, 4) at offset 4096 (page-aligned, as ONNX
/// recommends for memory mapping).
/// </summary>
internal static class ExternalDataFixture
{
    public const string Name = "external-data";
    public const string ModelFileName = "external-data.onnx";
    public const string WeightsFileName = "external-data.bin";
    private const int BiasOffset = 4096;

    public static float[] Weight { get; } = [.. Enumerable.Range(0, 16).Select(i => i / 8f)];

    public static float[] Bias { get; } = [1f, 2f, 3f, 4f];

    public static void Write(string directory)
    {
        var weights = new byte[BiasOffset + Bias.Length * sizeof(float)];
        for (var i = 0; i < Weight.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(weights.AsSpan(i * sizeof(float)), Weight[i]);
        for (var i = 0; i < Bias.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(weights.AsSpan(BiasOffset + i * sizeof(float)), Bias[i]);
        File.WriteAllBytes(Path.Combine(directory, WeightsFileName), weights);
        OnnxWriter.WriteFile(Build(), Path.Combine(directory, ModelFileName));
    }

    private static OnnxModel Build() => new(new OnnxGraph("external_data")
    {
        Nodes =
        [
            new OnnxNode("MatMul", ["x", "weight"], ["product"]) { Name = "matmul" },
            new OnnxNode("Add", ["product", "bias"], ["y"]) { Name = "add" },
        ],
        Initializers =
        [
            OnnxTensor.External("weight", ElementType.Float, [4, 4], new OnnxExternalData(WeightsFileName, 0, Weight.Length * sizeof(float))),
            OnnxTensor.External("bias", ElementType.Float, [4], new OnnxExternalData(WeightsFileName, BiasOffset, Bias.Length * sizeof(float))),
        ],
        Inputs = [OnnxValueInfo.Tensor("x", ElementType.Float, "batch", 4)],
        Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float, "batch", 4)],
    });
}
