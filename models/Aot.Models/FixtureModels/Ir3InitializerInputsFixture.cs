using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// An IR version 3 model (opset 8), where every initializer must also be listed as a graph input:
/// inputs <c>x</c> float [1, 4] and <c>bias</c> float [4] (initializer [1, 2, 3, 4]); <c>y = x + bias</c>.
/// Only <c>x</c> is a real input; <c>bias</c> is an overridable initializer.
/// </summary>
internal static class Ir3InitializerInputsFixture
{
    public const string Name = "ir3-initializer-inputs";

    public static OnnxModel Build() => new(new OnnxGraph("ir3_initializer_inputs")
    {
        Nodes = [new OnnxNode("Add", ["x", "bias"], ["y"]) { Name = "add" }],
        Initializers = [OnnxTensor.FromFloats("bias", [4], [1f, 2f, 3f, 4f])],
        Inputs = [OnnxValueInfo.Tensor("x", ElementType.Float, 1, 4), OnnxValueInfo.Tensor("bias", ElementType.Float, 4)],
        Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float, 1, 4)],
    })
    {
        IrVersion = 3,
        Opsets = [OnnxOpset.Onnx(8)],
    };
}
