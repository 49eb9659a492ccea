using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.Synthetic;

/// <summary>
/// The <c>tiny</c> model, <c>y = Relu(x · W + b)</c>: so cheap that timing it measures the serving stack's overhead,
/// not the maths. <c>x</c> and <c>y</c> are float [batch, features] with a symbolic <c>batch</c>.
/// </summary>
public static class TinyModel
{
    /// <summary>Builds the model.</summary>
    public static OnnxModel Build(TinyOptions? options = null)
    {
        options ??= new TinyOptions();
        options.Validate();
        var n = options.Features;
        var g = new GraphBuilder("tiny", new SeededRandom(options.Seed));

        var x = g.Input(OnnxValueInfo.Tensor("x", ElementType.Float, "batch", n));
        var weight = g.Uniform("fc.weight", [n, n], WeightInit.He(n));
        var bias = g.Uniform("fc.bias", [n], WeightInit.InverseSqrt(n));
        var linear = g.Node("Add", [g.Node("MatMul", [x, weight], name: "fc.matmul"), bias], name: "fc.add");
        g.Node("Relu", [linear], name: "relu", output: "y");
        g.Output(OnnxValueInfo.Tensor("y", ElementType.Float, "batch", n));

        return new OnnxModel(g.Build()) { DocString = "Overhead benchmark: y = Relu(x · W + b)." };
    }
}
