using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Runtime.Tests;

public class LoadTests
{
    [Fact]
    public void Missing_file_names_the_path()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load("/nonexistent/model.onnx"));
        Assert.Equal("Model file '/nonexistent/model.onnx' was not found.", ex.Message);
        Assert.Equal("/nonexistent/model.onnx", ex.ModelSource);
    }

    [Fact]
    public void Directory_is_not_a_model()
    {
        string dir = Directory.CreateTempSubdirectory("aot-dir-").FullName;
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(dir));
        Assert.Contains($"'{dir}' is a directory", ex.Message);
    }

    [Fact]
    public void Corrupt_file_names_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"aot-corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, "this is not a protobuf at all, just text pretending to be a model"u8.ToArray());
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(path));
        Assert.StartsWith($"Cannot load model '{path}':", ex.Message);
    }

    [Fact]
    public void Truncated_file_names_the_path()
    {
        byte[] whole = File.ReadAllBytes(TestModels.Path("tiny"));
        string path = Path.Combine(Path.GetTempPath(), $"aot-truncated-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(path));
        Assert.StartsWith($"Cannot load model '{path}':", ex.Message);
    }

    [Fact]
    public void Empty_bytes_are_rejected_with_the_name()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load([], sourceName: "embedded:tiny"));
        Assert.Equal("Model 'embedded:tiny' is empty (0 bytes).", ex.Message);
    }

    [Fact]
    public void Loading_from_bytes_equals_loading_from_the_file()
    {
        string path = TestModels.Path("tiny");
        using OnnxModel fromFile = OnnxModel.Load(path);
        using OnnxModel fromBytes = OnnxModel.Load(File.ReadAllBytes(path), sourceName: "embedded:tiny");
        Assert.Equal("embedded:tiny", fromBytes.Source);
        Assert.Equal(Run(fromFile), Run(fromBytes));
    }

    [Fact]
    public void Metadata_lists_inputs_outputs_and_model_properties()
    {
        string path = TestModels.Write("described.onnx", new OnnxGraph("described-graph")
        {
            Nodes = [new OnnxNode("Identity", ["x"], ["y"])],
            Inputs = [OnnxValueInfo.Tensor("x", ElementType.Float16, "batch", OnnxDimension.Unknown, 7)],
            Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float16, "batch", OnnxDimension.Unknown, 7)],
        }, m => m with
        {
            ProducerName = "aot-tests",
            ModelVersion = 42,
            DocString = "A model that describes itself.",
            Domain = "ai.aot.test",
            MetadataProps = [new("license", "MIT"), new("task", "identity")],
        });
        using OnnxModel model = OnnxModel.Load(path);
        ModelMetadata meta = model.Metadata;
        TensorInfo x = Assert.Single(meta.Inputs);
        Assert.Equal("x: FP16[batch, ?, 7]", x.ToString());
        Assert.Equal(new Dimension(-1, "batch"), x.Shape[0]);
        Assert.False(x.Shape[1].IsFixed);
        Assert.Null(x.Shape[1].Symbol);
        Assert.Equal(Dimension.Fixed(7), x.Shape[2]);
        Assert.Equal("y", Assert.Single(meta.Outputs).Name);
        Assert.Equal("aot-tests", meta.ProducerName);
        Assert.Equal(42, meta.Version);
        Assert.Equal("A model that describes itself.", meta.Description);
        Assert.Equal("ai.aot.test", meta.Domain);
        Assert.Equal("described-graph", meta.GraphName);
        Assert.Equal("MIT", meta.Custom["license"]);
        Assert.Equal("identity", meta.Custom["task"]);
    }

    [Fact]
    public void Non_tensor_inputs_are_reported_when_a_runner_is_made()
    {
        string path = TestModels.Write("sequence.onnx", new OnnxGraph("seq")
        {
            Nodes = [new OnnxNode("SequenceLength", ["items"], ["count"])],
            Inputs = [new OnnxValueInfo("items", new OnnxSequenceType(new OnnxTensorType(ElementType.Float, null)))],
            Outputs = [OnnxValueInfo.Tensor("count", ElementType.Int64)],
        });
        using OnnxModel model = OnnxModel.Load(path);
        Assert.False(model.Metadata.Inputs[0].IsTensor);
        var ex = Assert.Throws<NotSupportedException>(model.CreateRunner);
        Assert.Contains("Input 'items'", ex.Message);
        Assert.Contains("not a tensor", ex.Message);
    }

    internal static float[] Run(OnnxModel model)
    {
        using ModelRunner runner = model.CreateRunner();
        TensorInfo input = model.Metadata.Inputs[0];
        long[] shape = input.Shape.Select(d => d.IsFixed ? d.Value : 2).ToArray();
        ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, shape), 3);
        runner.Run();
        return runner.GetOutput<float>(0).ToArray();
    }
}
