using Aot.Embeddings.Tests;

namespace Aot.Quantization.Tests;

public sealed class OptimizerTests
{
    [Theory]
    [InlineData("basic")]
    [InlineData("extended")]
    [InlineData("all")]
    public void The_optimised_file_computes_what_the_original_does(string level)
    {
        using var temp = new TempFolder();
        string original = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");
        string optimised = temp.File($"cnn-{level}.onnx");

        ModelOptimizer.Optimize(original, optimised, level);

        var sample = TestRun.Samples(original, 1, seed: 8).Samples[0];
        Assert.True(VectorAssert.Cosine(TestRun.Output(original, sample), TestRun.Output(optimised, sample)) > 0.99999);
        Assert.Empty(Directory.GetFiles(temp.Path, ".cnn-*")); // no temporary file left
    }

    [Fact]
    public void Basic_keeps_standard_operators_so_the_result_can_be_quantized()
    {
        using var temp = new TempFolder();
        string original = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string optimised = temp.File("mlp-basic.onnx");
        ModelOptimizer.Optimize(original, optimised, "basic");

        QuantizationSummary summary = Quantizer.Quantize(optimised, temp.File("mlp-basic-int8.onnx"), new QuantizeOptions());

        Assert.Equal("Gather 1, MatMul 2", summary.Describe());
    }

    [Fact]
    public void An_unknown_level_or_a_missing_model_is_refused()
    {
        using var temp = new TempFolder();
        string original = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        var error = Assert.Throws<QuantizationException>(() => ModelOptimizer.Optimize(original, temp.File("out.onnx"), "max"));
        Assert.Equal("--level 'max': expected basic, extended or all.", error.Message);

        string missing = temp.File("missing.onnx");
        error = Assert.Throws<QuantizationException>(() => ModelOptimizer.Optimize(missing, temp.File("out.onnx"), "basic"));
        Assert.Equal($"'{missing}' does not exist (expected an .onnx model file).", error.Message);
        Assert.False(File.Exists(temp.File("out.onnx")));
    }
}
