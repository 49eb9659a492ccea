using Aot.Protocol;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Aot.Runtime.Tests;

/// <summary>The real all-MiniLM-L6-v2 (fetched from its NuGet package) through the runtime.</summary>
public class MiniLmTests
{
    [Fact]
    public void Signature_is_the_one_the_brief_describes()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("minilm"));
        ModelMetadata meta = model.Metadata;
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], meta.Inputs.Select(i => i.Name));
        Assert.All(meta.Inputs, i => Assert.Equal(ElementType.Int64, i.ElementType));
        Assert.All(meta.Inputs, i => Assert.Equal(2, i.Rank));
        Assert.Equal("last_hidden_state", meta.Outputs[0].Name);
        Assert.Equal(ElementType.Float, meta.Outputs[0].ElementType);
        Assert.Equal(384, meta.Outputs[0].Shape[2].Value);
    }

    [Fact]
    public void Runs_at_sequence_128_with_finite_output_equal_to_ort_plain_run()
    {
        string path = TestModels.Path("minilm");
        using OnnxModel model = OnnxModel.Load(path, new ModelOptions { IntraOpThreads = 2 });
        using ModelRunner runner = model.CreateRunner();
        long[] shape = [1, 128];
        ZeroAllocationTests.FillTokens(runner, shape);
        runner.Run();
        runner.Run(); // second run goes through learned/pre-bound outputs; must agree with the first

        Assert.Equal([1L, 128, 384], runner.GetOutputShape(0).ToArray());
        float[] ours = runner.GetOutput<float>(0).ToArray();
        Assert.All(ours, v => Assert.True(float.IsFinite(v)));

        using var session = new InferenceSession(path);
        var inputs = new List<NamedOnnxValue>();
        foreach (TensorInfo input in model.Metadata.Inputs)
        {
            long[] data = runner.GetInputBuffer<long>(input.Index, shape).ToArray();
            inputs.Add(NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<long>(data, [1, 128])));
        }

        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
        float[] reference = results.First(r => r.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
        Assert.Equal(reference.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.Equal(reference[i], ours[i], 1e-4f);
        }
    }

    [Fact]
    public void Batched_rows_equal_single_rows()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("minilm"), new ModelOptions { IntraOpThreads = 2 });
        using ModelRunner runner = model.CreateRunner();
        long[] single = [1, 8];
        long[] pair = [2, 8];
        ZeroAllocationTests.FillTokens(runner, pair);
        Span<long> ids = runner.GetInputBuffer<long>(0, pair);
        ids[9] = 4242; // make row 1 differ from row 0
        long[] row1 = ids.Slice(8, 8).ToArray();
        runner.Run();
        float[] batched = runner.GetOutput<float>(0).ToArray();

        ZeroAllocationTests.FillTokens(runner, single);
        row1.CopyTo(runner.GetInputBuffer<long>(0, single));
        runner.Run();
        float[] alone = runner.GetOutput<float>(0).ToArray();
        for (int i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i], batched[alone.Length + i], 1e-4f);
        }
    }
}
