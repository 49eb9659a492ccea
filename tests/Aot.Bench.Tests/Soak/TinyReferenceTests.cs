using System.Runtime.InteropServices;
using Aot.LoadGen.Soak;
using Aot.LoadGen.Workloads;
using Aot.Models;
using Aot.Runtime;
using Xunit;

namespace Aot.Bench.Tests.Soak;

/// <summary>The soak's tiny-model answers: computed in C# from the model's recipe, they must be what ONNX Runtime computes on the served file.</summary>
public class TinyReferenceTests
{
    private readonly TinyReference _reference = new();

    [Fact]
    public void Expected_answers_are_what_onnx_runtime_computes_on_the_served_file()
    {
        using OnnxModel model = OnnxModel.Load(ModelStore.GetPath("tiny"), new ModelOptions { IntraOpThreads = 1 });
        using ModelRunner runner = model.CreateRunner();
        foreach ((int first, int count) in new[] { (0, 1), (5, 4), (62, 4), (63, 1) })
        {
            TensorData input = _reference.Input(first, count);
            input.Bytes.CopyTo(runner.GetInputBytes(0, input.Shape));
            runner.Run();
            Assert.Null(_reference.Mismatch(first, count, runner.GetOutput<float>(0)));
        }
    }

    [Fact]
    public void A_changed_value_is_named_by_row_and_element()
    {
        float[] answer = Answer(3, 4);
        answer[16 + 5] += 0.01f + Math.Abs(answer[16 + 5]);
        Assert.StartsWith("row 4 y[5] = ", _reference.Mismatch(3, 4, answer));
    }

    [Fact]
    public void An_answer_of_the_wrong_length_is_a_mismatch()
    {
        Assert.Equal("16 values for 4 rows of 16", _reference.Mismatch(0, 4, Answer(0, 1)));
    }

    [Fact]
    public void Requests_wrap_around_the_rows_and_every_fifth_holds_four()
    {
        var requests = new TinyRequests(_reference);
        Assert.Equal((0, 4), (requests.Get(0).First, requests.Get(0).Count));
        Assert.Equal((1, 1), (requests.Get(1).First, requests.Get(1).Count));
        TinyRequest wrapped = requests.Get(TinyReference.Rows + 1);
        Assert.Equal(1, wrapped.First);
        Assert.InRange(requests.Get(int.MinValue).First, 0, TinyReference.Rows - 1);
        Assert.Null(requests.Mismatch(1, System.Text.Encoding.UTF8.GetBytes(
            $$"""{"outputs":[{"name":"y","datatype":"FP32","shape":[1,16],"data":[{{string.Join(",", Answer(1, 1).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}]}]}""")));
    }

    private float[] Answer(int first, int count)
    {
        TensorData input = _reference.Input(first, count);
        float[] x = MemoryMarshal.Cast<byte, float>(input.Bytes).ToArray();
        using OnnxModel model = OnnxModel.Load(ModelStore.GetPath("tiny"), new ModelOptions { IntraOpThreads = 1 });
        using ModelRunner runner = model.CreateRunner();
        MemoryMarshal.AsBytes(x.AsSpan()).CopyTo(runner.GetInputBytes(0, input.Shape));
        runner.Run();
        return runner.GetOutput<float>(0).ToArray();
    }
}
