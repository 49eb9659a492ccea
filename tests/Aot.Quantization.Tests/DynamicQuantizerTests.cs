using Aot.Protocol;
using Aot.Embeddings.Tests;
namespace Aot.Quantization.Tests;

public sealed class DynamicQuantizerTests
{
    [Fact]
    public void MatMuls_become_integer_matmuls_and_the_embedding_table_int8_rows()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string int8 = temp.File("mlp-int8.onnx");

        QuantizationSummary summary = Quantizer.Quantize(fp32, int8, new QuantizeOptions { Mode = QuantizationMode.Dynamic });

        Assert.Equal("Gather 1, MatMul 2", summary.Describe());
        Dictionary<string, int> ops = TestRun.OpCounts(int8);
        Assert.False(ops.ContainsKey("MatMul"));
        Assert.Equal(2, ops["MatMulInteger"]);
        Assert.Equal(2, ops["DynamicQuantizeLinear"]);
        Assert.Equal(2, ops["Gather"]); // int8 rows and their scales
        var initializers = TestRun.Load(int8).Graph.Initializer.ToDictionary(static t => t.Name);
        Assert.DoesNotContain("w1", initializers.Keys); // the fp32 weights are gone
        Assert.Equal((int)Aot.Protocol.ElementType.Int8, initializers["w1_quantized"].DataType);
        Assert.Equal([32L], initializers["w1_scale"].Dims); // per output column
    }

    [Fact]
    public void Outputs_stay_within_the_quantization_error_of_fp32()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string int8 = temp.File("mlp-int8.onnx");
        Quantizer.Quantize(fp32, int8, new QuantizeOptions());

        foreach (var sample in TestRun.Samples(fp32, 4, seed: 7).Samples)
        {
            float[] expected = TestRun.Output(fp32, sample);
            float[] actual = TestRun.Output(int8, sample);
            // Two chained int8 matmuls over a 32-wide hidden layer with N(0,1) inputs: a few percent of the output scale.
            float bound = 0.05f * expected.Max(MathF.Abs);
            Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second - p.First, -bound, bound));
            Assert.True(VectorAssert.Cosine(expected, actual) > 0.999);
        }
    }

    [Fact]
    public void Gemm_folds_alpha_beta_and_transB()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Gemm(), temp.Path, "gemm.onnx");
        string int8 = temp.File("gemm-int8.onnx");
        Quantizer.Quantize(fp32, int8, new QuantizeOptions());

        Assert.False(TestRun.OpCounts(int8).ContainsKey("Gemm"));
        var sample = TestRun.Samples(fp32, 1, seed: 3).Samples[0];
        float[] expected = TestRun.Output(fp32, sample);
        float[] actual = TestRun.Output(int8, sample);
        Assert.True(VectorAssert.Cosine(expected, actual) > 0.999, string.Join(", ", actual));
        Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second - p.First, -0.05f, 0.05f));
    }

    [Fact]
    public void Excluded_nodes_and_op_types_stay_fp32_and_the_metadata_says_so()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string int8 = temp.File("mlp-int8.onnx");

        QuantizationSummary summary = Quantizer.Quantize(fp32, int8, new QuantizeOptions { Exclude = ["fc2", "Gather"] });

        Assert.Equal("MatMul 1", summary.Describe());
        Assert.Equal(["embed", "fc2"], summary.Excluded);
        Dictionary<string, int> ops = TestRun.OpCounts(int8);
        Assert.Equal(1, ops["MatMul"]);
        Assert.Equal(1, ops["MatMulInteger"]);
        var metadata = TestRun.Load(int8).MetadataProps.ToDictionary(static p => p.Key, static p => p.Value);
        Assert.Equal("embed, fc2", metadata["aot.quantization.excluded"]);
        Assert.Equal("MatMul 1", metadata["aot.quantization.nodes"]);
        Assert.StartsWith("dynamic", metadata["aot.quantization.mode"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_with_external_data_is_read_and_the_result_runs()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx", externalData: true);
        Assert.True(File.Exists(fp32 + ".data"));
        string int8 = temp.File("mlp-int8.onnx");

        Quantizer.Quantize(fp32, int8, new QuantizeOptions());

        // The source kept its weights outside, so the result does too.
        Assert.True(File.Exists(int8 + ".data"));
        var sample = TestRun.Samples(fp32, 1, seed: 5).Samples[0];
        Assert.True(VectorAssert.Cosine(TestRun.Output(fp32, sample), TestRun.Output(int8, sample)) > 0.999);
    }
}
