namespace Aot.Quantization.Tests;

/// <summary>Bad input gives one clear message naming the file and what was expected, and leaves no file behind.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void A_missing_model()
    {
        using var temp = new TempFolder();
        string missing = temp.File("missing.onnx");
        var error = Assert.Throws<QuantizationException>(() => Quantizer.Quantize(missing, temp.File("out.onnx"), new QuantizeOptions()));
        Assert.Equal($"'{missing}' does not exist (expected an .onnx model file).", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void A_file_that_is_not_onnx()
    {
        using var temp = new TempFolder();
        string text = temp.File("notes.onnx");
        File.WriteAllText(text, "this is not a model\n");
        var error = Assert.Throws<QuantizationException>(() => Quantizer.Quantize(text, temp.File("out.onnx"), new QuantizeOptions()));
        Assert.StartsWith($"'{text}' is not an ONNX model", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("out.onnx")));
    }

    [Fact]
    public void An_output_folder_that_does_not_exist()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string output = Path.Combine(temp.Path, "no-such-folder", "out.onnx");
        var error = Assert.Throws<QuantizationException>(() => Quantizer.Quantize(fp32, output, new QuantizeOptions()));
        Assert.Equal($"Cannot write '{output}': the folder '{Path.GetDirectoryName(output)}' does not exist.", error.Message);
    }

    [Fact]
    public void An_output_path_that_is_a_folder()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string folder = temp.File("taken");
        Directory.CreateDirectory(folder);
        var error = Assert.Throws<QuantizationException>(() => Quantizer.Quantize(fp32, folder, new QuantizeOptions()));
        Assert.Equal($"Cannot write '{folder}': it is a folder (expected an .onnx file path).", error.Message);
    }

    [Fact]
    public void A_model_already_quantized()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        string int8 = temp.File("mlp-int8.onnx");
        Quantizer.Quantize(fp32, int8, new QuantizeOptions());

        var error = Assert.Throws<QuantizationException>(() => Quantizer.Quantize(int8, temp.File("again.onnx"), new QuantizeOptions()));
        Assert.Equal($"'{int8}' is already quantized (it holds DynamicQuantizeLinear); quantize the fp32 model instead. No file was written.", error.Message);
        Assert.False(File.Exists(temp.File("again.onnx")));
    }

    [Fact]
    public void A_model_with_nothing_to_quantize()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.ReluOnly(), temp.Path, "relu.onnx");
        var error = Assert.Throws<QuantizationException>(() => Quantizer.Quantize(fp32, temp.File("out.onnx"), new QuantizeOptions()));
        Assert.Equal($"'{fp32}' has nothing to quantize: no MatMul, Gemm or Gather reads a constant 2-D float weight. No file was written.", error.Message);
        Assert.False(File.Exists(temp.File("out.onnx")));
    }

    [Fact]
    public void A_calibration_folder_with_a_badly_named_file()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");
        string folder = temp.File("calibration");
        Directory.CreateDirectory(folder);
        string bad = Path.Combine(folder, "sample.npy");
        File.WriteAllBytes(bad, [1, 2, 3]);
        var error = Assert.Throws<QuantizationException>(() =>
            Quantizer.Quantize(fp32, temp.File("out.onnx"), new QuantizeOptions { Mode = QuantizationMode.Static, CalibrationFolder = folder }));
        Assert.Equal($"'{bad}': expected a name of the form <input_name>.<n>.npy (inputs: image).", error.Message);
    }
}
