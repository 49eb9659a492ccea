using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Runtime.Tests;

/// <summary>Caller mistakes are caught before ONNX Runtime runs, with messages naming the input and expected vs got.</summary>
public class ValidationTests
{
    private static readonly string s_fixedModel = TestModels.SingleOp("fixed.onnx", "Relu",
        [OnnxValueInfo.Tensor("pixels", ElementType.Float, "batch", 3, 4)],
        [OnnxValueInfo.Tensor("out", ElementType.Float, "batch", 3, 4)]);

    private static readonly string s_pairModel = TestModels.SingleOp("pair.onnx", "Add",
        [OnnxValueInfo.Tensor("input_ids", ElementType.Int64, "batch", "sequence"), OnnxValueInfo.Tensor("attention_mask", ElementType.Int64, "batch", "sequence")],
        [OnnxValueInfo.Tensor("sum", ElementType.Int64, "batch", "sequence")]);

    [Fact]
    public void Wrong_element_type_names_both_types()
    {
        using OnnxModel model = OnnxModel.Load(s_fixedModel);
        using ModelRunner runner = model.CreateRunner();
        var ex = Assert.Throws<ModelInputException>(() => runner.GetInputBuffer<long>(0, [1, 3, 4]));
        Assert.Equal("pixels", ex.InputName);
        Assert.Equal("Input 'pixels' holds FP32 elements but was accessed as Int64 (INT64).", ex.Message);
    }

    [Fact]
    public void Wrong_rank_shows_expected_and_given_shapes()
    {
        using OnnxModel model = OnnxModel.Load(s_fixedModel);
        using ModelRunner runner = model.CreateRunner();
        var ex = Assert.Throws<ModelInputException>(() => runner.GetInputBuffer<float>(0, [3, 4]));
        Assert.Equal("Input 'pixels' expects rank 3 [batch, 3, 4] but got rank 2 [3, 4].", ex.Message);
    }

    [Fact]
    public void Wrong_fixed_dimension_names_the_dimension()
    {
        using OnnxModel model = OnnxModel.Load(s_fixedModel);
        using ModelRunner runner = model.CreateRunner();
        var ex = Assert.Throws<ModelInputException>(() => runner.GetInputBuffer<float>(0, [2, 3, 5]));
        Assert.Equal("Input 'pixels' expects dimension 2 to be 4 [batch, 3, 4] but got 5 [2, 3, 5].", ex.Message);
    }

    [Fact]
    public void Negative_dimension_is_rejected()
    {
        using OnnxModel model = OnnxModel.Load(s_fixedModel);
        using ModelRunner runner = model.CreateRunner();
        var ex = Assert.Throws<ModelInputException>(() => runner.GetInputBuffer<float>(0, [-1, 3, 4]));
        Assert.Contains("negative dimension 0", ex.Message);
    }

    [Fact]
    public void Absurd_sizes_are_rejected_before_allocating()
    {
        using OnnxModel model = OnnxModel.Load(s_fixedModel);
        using ModelRunner runner = model.CreateRunner();
        var ex = Assert.Throws<ModelInputException>(() => runner.GetInputBuffer<float>(0, [long.MaxValue / 4, 3, 4]));
        Assert.Contains("pixels", ex.Message);
    }

    [Fact]
    public void Input_not_set_is_named_at_run()
    {
        using OnnxModel model = OnnxModel.Load(s_pairModel);
        using ModelRunner runner = model.CreateRunner();
        runner.GetInputBuffer<long>(0, [1, 4]);
        var ex = Assert.Throws<ModelInputException>(runner.Run);
        Assert.Equal("Input 'attention_mask' [batch, sequence] was not set before Run.", ex.Message);
    }

    [Fact]
    public void Inputs_sharing_a_symbol_must_agree()
    {
        using OnnxModel model = OnnxModel.Load(s_pairModel);
        using ModelRunner runner = model.CreateRunner();
        runner.GetInputBuffer<long>(0, [1, 8]);
        runner.GetInputBuffer<long>(1, [1, 16]);
        var ex = Assert.Throws<ModelInputException>(runner.Run);
        Assert.Equal("Inputs 'input_ids' and 'attention_mask' disagree on dimension 'sequence': 8 vs 16.", ex.Message);

        // The runner is still usable once the caller fixes the shapes.
        runner.GetInputBuffer<long>(1, [1, 8]).Fill(2);
        runner.GetInputBuffer<long>(0, [1, 8]).Fill(3);
        runner.Run();
        Assert.All(runner.GetOutput<long>(0).ToArray(), v => Assert.Equal(5, v));
    }

    [Fact]
    public void Unknown_input_name_lists_the_real_ones()
    {
        using OnnxModel model = OnnxModel.Load(s_pairModel);
        var ex = Assert.Throws<ModelInputException>(() => model.Metadata.GetInputIndex("ids"));
        Assert.Equal("The model has no input named 'ids'; its inputs are: input_ids, attention_mask.", ex.Message);
        Assert.Equal(1, model.Metadata.GetInputIndex("attention_mask"));
    }

    [Fact]
    public void Reading_an_output_before_running_is_explained()
    {
        using OnnxModel model = OnnxModel.Load(s_fixedModel);
        using ModelRunner runner = model.CreateRunner();
        var ex = Assert.Throws<InvalidOperationException>(() => runner.GetOutput<float>(0));
        Assert.Contains("call Run first", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.GetOutput<float>(1));
    }

    [Fact]
    public void Ort_failures_surface_and_the_runner_survives()
    {
        // Reshape to a target shape the data cannot take fails inside ONNX Runtime, not in validation.
        string path = TestModels.Write("reshape.onnx", new OnnxGraph("reshape")
        {
            Nodes = [new OnnxNode("Reshape", ["x", "shape"], ["y"])],
            Inputs = [OnnxValueInfo.Tensor("x", ElementType.Float, "n"), OnnxValueInfo.Tensor("shape", ElementType.Int64, 2)],
            Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float, OnnxDimension.Unknown, OnnxDimension.Unknown)],
        });
        using OnnxModel model = OnnxModel.Load(path);
        using ModelRunner runner = model.CreateRunner();
        runner.GetInputBuffer<float>(0, [6]).Fill(1);
        long[] bad = [4, 4];
        bad.CopyTo(runner.GetInputBuffer<long>(1, [2]));
        Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(runner.Run);

        long[] good = [2, 3];
        good.CopyTo(runner.GetInputBuffer<long>(1, [2]));
        runner.Run();
        Assert.Equal([2L, 3], runner.GetOutputShape(0).ToArray());
    }
}
