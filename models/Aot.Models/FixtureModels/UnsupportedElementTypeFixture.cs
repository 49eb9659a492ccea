using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// An input of an element type ONNX knows but the typed API does not bind: <c>float8-input</c> (FLOAT8E4M3FN)
/// and <c>int4-input</c> (INT4), x [batch, 4]. The output is plain float: <c>y = DequantizeLinear(x, 1.0)</c>,
/// the operator ONNX Runtime's CPU provider implements for both types (it has no int4 Identity).
/// </summary>
internal static class UnsupportedElementTypeFixture
{
    public const string Float8Name = "float8-input";
    public const string Int4Name = "int4-input";

    public static OnnxModel Build(ElementType elementType) => new(new OnnxGraph($"{elementType.ToString().ToLowerInvariant()}_input")
    {
        Nodes = [new OnnxNode("DequantizeLinear", ["x", "scale"], ["y"]) { Name = "dequantize" }],
        Initializers = [OnnxTensor.FromFloats("scale", [], [1f])],
        Inputs = [OnnxValueInfo.Tensor("x", elementType, "batch", 4)],
        Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float, "batch", 4)],
    })
    {
        // IR 10 / opset 21: the first versions where DequantizeLinear takes both float8 and int4.
        IrVersion = 10,
        Opsets = [OnnxOpset.Onnx(21)],
    };
}
