using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Runtime.Tests;

/// <summary>Outputs whose shapes are not spelled out by input symbols.</summary>
public class DynamicOutputTests
{
    [Fact]
    public void Unnamed_output_dims_are_learned_then_pre_bound()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.ReluWithUnknownOutput("relu-unknown.onnx"));
        using ModelRunner runner = model.CreateRunner();
        foreach (long batch in new long[] { 3, 5, 3, 5 })
        {
            long[] shape = [batch, 8];
            Span<float> x = runner.GetInputBuffer<float>(0, shape);
            for (int i = 0; i < x.Length; i++) x[i] = i % 2 == 0 ? i : -i;
            runner.Run();
            Assert.Equal(shape, runner.GetOutputShape(0).ToArray());
            ReadOnlySpan<float> y = runner.GetOutput<float>(0);
            for (int i = 0; i < y.Length; i++) Assert.Equal(i % 2 == 0 ? i : 0, y[i]);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        runner.Run();
        runner.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Data_dependent_output_shapes_stay_correct()
    {
        // NonZero's output length depends on the values, not the input shape: a learned shape would be wrong.
        using OnnxModel model = OnnxModel.Load(TestModels.NonZero("nonzero.onnx", 6));
        using ModelRunner runner = model.CreateRunner();
        float[][] inputs = [[1, 0, 2, 0, 0, 3], [0, 0, 0, 0, 0, 9], [1, 1, 1, 1, 1, 1], [1, 0, 2, 0, 0, 3]];
        foreach (float[] input in inputs)
        {
            RunNonZeroAndCheck(runner, input);
        }
    }

    /// <summary>Runs the NonZero model on <paramref name="input"/> and checks the indices it returns.</summary>
    internal static void RunNonZeroAndCheck(ModelRunner runner, float[] input)
    {
        input.CopyTo(runner.GetInputBuffer<float>(0, [input.Length]));
        runner.Run();
        long[] expected = input.Select((v, i) => (v, i)).Where(p => p.v != 0).Select(p => (long)p.i).ToArray();
        Assert.Equal([1L, expected.Length], runner.GetOutputShape(0).ToArray());
        Assert.Equal(expected, runner.GetOutput<long>(0).ToArray());
    }

    [Fact]
    public void Output_symbols_shared_with_inputs_are_bound_from_the_first_run()
    {
        string path = TestModels.SingleOp("relu-named.onnx", "Relu",
            [OnnxValueInfo.Tensor("x", ElementType.Float, "batch", 8)],
            [OnnxValueInfo.Tensor("y", ElementType.Float, "batch", 8)]);
        using OnnxModel model = OnnxModel.Load(path);
        using ModelRunner runner = model.CreateRunner();
        runner.GetInputBuffer<float>(0, [2, 8]).Fill(-1);
        runner.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        runner.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(runner.GetOutput<float>(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Scalars_and_zero_sized_dimensions_work()
    {
        string scalar = TestModels.Identity(ElementType.Float);
        using (OnnxModel model = OnnxModel.Load(scalar))
        using (ModelRunner runner = model.CreateRunner())
        {
            runner.GetInputBuffer<float>(0, [])[0] = 42f;
            runner.Run();
            Assert.Equal(42f, runner.GetOutput<float>(0)[0]);
            Assert.Empty(runner.GetOutputShape(0).ToArray());
        }

        string empty = TestModels.Identity(ElementType.Float, "batch", 4);
        using (OnnxModel model = OnnxModel.Load(empty))
        using (ModelRunner runner = model.CreateRunner())
        {
            Assert.Equal(0, runner.GetInputBuffer<float>(0, [0, 4]).Length);
            runner.Run();
            Assert.Equal([0L, 4], runner.GetOutputShape(0).ToArray());
            Assert.Equal(0, runner.GetOutput<float>(0).Length);
        }
    }
}
