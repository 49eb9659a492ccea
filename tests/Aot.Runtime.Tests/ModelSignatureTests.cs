using Aot.Protocol;
namespace Aot.Runtime.Tests;

public class ModelSignatureTests
{
    [Fact]
    public void Matching_signature_passes()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"));
        TensorSpec[] inputs = model.Metadata.Inputs.Select(Spec).ToArray();
        TensorSpec[] outputs = model.Metadata.Outputs.Select(Spec).ToArray();
        ModelSignature.EnsureMatches(model, inputs, outputs);
    }

    [Fact]
    public void Every_difference_is_listed()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"));
        TensorInfo x = model.Metadata.Inputs[0];
        TensorInfo y = model.Metadata.Outputs[0];
        TensorSpec[] inputs = [new TensorSpec(x.Name, ElementType.Float16, [-1, 32], ["batch", null]), new TensorSpec("mask", ElementType.Int64, [-1], ["batch"])];
        TensorSpec[] outputs = [new TensorSpec(y.Name, ElementType.Float, [-1, 16, 1], ["batch", null, null])];
        var ex = Assert.Throws<ModelSignatureMismatchException>(() => ModelSignature.EnsureMatches(model, inputs, outputs));
        Assert.Equal(
        [
            $"input '{x.Name}': element type is FP32, compiled for FP16",
            $"input '{x.Name}': dimension 1 is 16, compiled for 32",
            "input 'mask' is missing (compiled for INT64[batch])",
            $"output '{y.Name}': rank is 2 {y.ShapeText}, compiled for 3 [batch, 16, 1]",
        ], ex.Differences);
        Assert.Contains(model.Source, ex.Message);
    }

    private static TensorSpec Spec(TensorInfo info) =>
        new(info.Name, info.ElementType, info.Shape.Select(d => d.Value).ToArray(), info.Shape.Select(d => d.Symbol).ToArray());
}
