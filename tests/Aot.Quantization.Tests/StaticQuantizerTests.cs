using Aot.Protocol;
using System.Runtime.InteropServices;
using Aot.Runtime;

namespace Aot.Quantization.Tests;

public sealed class StaticQuantizerTests
{
    [Fact]
    public void A_cnn_becomes_qdq_with_relus_folded_and_int32_biases()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");
        string calibration = WriteSamples(fp32, temp.File("calibration"), count: 8, seed: 11);
        string int8 = temp.File("cnn-int8.onnx");

        QuantizationSummary summary = Quantizer.Quantize(fp32, int8, new QuantizeOptions { Mode = QuantizationMode.Static, CalibrationFolder = calibration });

        Assert.Equal("Add 1, Conv 3, Gemm 1, GlobalAveragePool 1, MaxPool 1", summary.Describe());
        Dictionary<string, int> ops = TestRun.OpCounts(int8);
        Assert.False(ops.ContainsKey("Relu")); // each Relu follows a quantized node: the uint8 Q with zero point 0 does its work
        Assert.Equal(3, ops["Conv"]);
        // Activations: image, t2 (c1+relu), t3 (maxpool), t5 (c2+relu), t6 (c3), t8 (add+relu), t10 (flatten) → 7 Q/DQ pairs.
        Assert.Equal(7, ops["QuantizeLinear"]);
        // 7 activation DQs + 4 weights + 4 biases.
        Assert.Equal(15, ops["DequantizeLinear"]);
        var model = TestRun.Load(int8);
        Assert.Equal((int)ElementType.Int32, model.Graph.Initializer.Single(t => t.Name == "c1.b_quantized").DataType);
        // MaxPool's output shares its input's parameters (ONNX Runtime runs MaxPool on uint8 only then).
        Assert.Equal(model.Graph.Initializer.Single(t => t.Name == "t2_scale").RawData, model.Graph.Initializer.Single(t => t.Name == "t3_scale").RawData);
        Assert.Contains(model.MetadataProps, p => p.Key == "aot.quantization.calibration" && p.Value.StartsWith("MinMax over ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    public void Logits_stay_close_to_fp32_on_inputs_not_used_for_calibration(CalibrationMethod method)
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");
        string calibration = WriteSamples(fp32, temp.File("calibration"), count: 16, seed: 11);
        string int8 = temp.File("cnn-int8.onnx");
        Quantizer.Quantize(fp32, int8, new QuantizeOptions { Mode = QuantizationMode.Static, CalibrationFolder = calibration, Calibration = method, Percentile = 99.99 });

        // Evaluation inputs: the same distribution as the calibration ones, another seed.
        string evaluation = WriteSamples(fp32, temp.File("evaluation"), count: 8, seed: 99);
        using var loaded = Runtime.OnnxModel.Load(fp32);
        QualityReport report = ModelComparer.Compare(fp32, int8, SampleSet.Load(evaluation, loaded.Metadata.Inputs), timedRuns: 0);

        OutputAccuracy logits = Assert.Single(report.Outputs);
        Assert.True(logits.MeanCosine > 0.99, $"mean cosine {logits.MeanCosine}");
        Assert.NotNull(logits.Top1Agreement);
    }

    [Fact]
    public void A_calibration_tensor_of_the_wrong_shape_is_refused_naming_the_file_and_no_output_is_written()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");
        string folder = temp.File("calibration");
        Directory.CreateDirectory(folder);
        string bad = Path.Combine(folder, "image.0.npy");
        NpyFile.Write(bad, new SampleTensor(ElementType.Float, [1, 1, 16, 16], new byte[16 * 16 * 4]));
        string int8 = temp.File("cnn-int8.onnx");

        var error = Assert.Throws<QuantizationException>(() =>
            Quantizer.Quantize(fp32, int8, new QuantizeOptions { Mode = QuantizationMode.Static, CalibrationFolder = folder }));

        Assert.Equal($"'{bad}' holds FP32[1, 1, 16, 16] but input 'image' expects FP32[n0, 3, 16, 16].", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path, "cnn-int8*"));
        Assert.Empty(Directory.GetFiles(temp.Path, ".cnn-int8*"));
    }

    [Fact]
    public void A_calibration_tensor_of_the_wrong_type_is_refused()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");
        string folder = temp.File("calibration");
        Directory.CreateDirectory(folder);
        string bad = Path.Combine(folder, "image.0.npy");
        NpyFile.Write(bad, new SampleTensor(ElementType.Int64, [1, 3, 16, 16], new byte[3 * 16 * 16 * 8]));

        var error = Assert.Throws<QuantizationException>(() =>
            Quantizer.Quantize(fp32, temp.File("out.onnx"), new QuantizeOptions { Mode = QuantizationMode.Static, CalibrationFolder = folder }));

        Assert.Contains("holds INT64[1, 3, 16, 16] but input 'image' expects FP32", error.Message, StringComparison.Ordinal);
    }

    internal static string WriteSamples(string model, string folder, int count, int seed)
    {
        Directory.CreateDirectory(folder);
        SampleSet samples = TestRun.Samples(model, count, seed);
        for (int n = 0; n < count; n++)
        {
            foreach ((string name, SampleTensor tensor) in samples.Samples[n])
            {
                // Images are non-negative after normalisation in practice; keep the generated ones roughly so.
                float[] values = MemoryMarshal.Cast<byte, float>(tensor.Data).ToArray().Select(MathF.Abs).ToArray();
                NpyFile.Write(Path.Combine(folder, $"{name}.{n}.npy"), tensor with { Data = MemoryMarshal.AsBytes(values.AsSpan()).ToArray() });
            }
        }

        return folder;
    }
}
