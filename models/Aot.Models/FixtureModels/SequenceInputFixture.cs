using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// A non-tensor input: <c>tensors</c> is sequence&lt;tensor&lt;float, [length]&gt;&gt;; the output <c>count</c>
/// (int64 scalar) is its SequenceLength. The typed API should reject the input with a diagnostic.
/// </summary>
internal static class SequenceInputFixture
{
    public const string Name = "sequence-input";

    public static OnnxModel Build() => new(new OnnxGraph("sequence_input")
    {
        Nodes = [new OnnxNode("SequenceLength", ["tensors"], ["count"]) { Name = "sequence_length" }],
        Inputs = [new OnnxValueInfo("tensors", new OnnxSequenceType(new OnnxTensorType(ElementType.Float, ["length"])))],
        Outputs = [OnnxValueInfo.Tensor("count", ElementType.Int64)],
    });
}
