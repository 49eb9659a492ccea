using Aot.Models;
using Aot.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Generators.Consumer.Tests;

/// <summary>The real all-MiniLM-L6-v2 through its generated class: same numbers as the untyped paths, no allocation.</summary>
public sealed class MiniLmTests
{
    // "[CLS] hello world [SEP]" and a longer sentence, WordPiece ids of the model's vocabulary.
    private static readonly long[] s_tokens = { 101, 7592, 2088, 102, 101, 1996, 4248, 2829, 4419, 102 };

    private static string ModelPath => ModelStore.GetPath("minilm");

    [Fact]
    public void Typed_run_equals_the_untyped_runner_and_raw_onnx_runtime()
    {
        using var typed = new MiniLm(ModelPath);
        float[] typedHidden = RunTyped(typed);
        float[] typedPooled = typed.Output924.ToArray();
        Assert.Equal(new long[] { 2, 5, 384 }, typed.LastHiddenStateShape.ToArray());
        Assert.Equal(new long[] { 2, 384 }, typed.Output924Shape.ToArray());

        // The same runtime, by index and shape, as code without the generator would do it.
        using OnnxModel model = OnnxModel.Load(ModelPath);
        using ModelRunner runner = model.CreateRunner();
        ReadOnlySpan<long> shape = stackalloc long[] { 2, 5 };
        s_tokens.CopyTo(runner.GetInputBuffer<long>(0, shape));
        runner.GetInputBuffer<long>(1, shape).Fill(1);
        runner.GetInputBuffer<long>(2, shape).Clear();
        runner.Run();
        Assert.Equal(runner.GetOutput<float>(0).ToArray(), typedHidden);
        Assert.Equal(runner.GetOutput<float>(1).ToArray(), typedPooled);

        // Raw ONNX Runtime, no Aot code at all: an independent check of the numbers.
        using var session = new InferenceSession(ModelPath);
        long[] dims = { 2, 5 };
        using OrtValue ids = OrtValue.CreateTensorValueFromMemory((long[])s_tokens.Clone(), dims);
        using OrtValue mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, 10).ToArray(), dims);
        using OrtValue types = OrtValue.CreateTensorValueFromMemory(new long[10], dims);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(
            runOptions, new[] { "input_ids", "attention_mask", "token_type_ids" }, new[] { ids, mask, types }, new[] { "last_hidden_state", "924" });
        AssertClose(results[0].GetTensorDataAsSpan<float>().ToArray(), typedHidden);
        AssertClose(results[1].GetTensorDataAsSpan<float>().ToArray(), typedPooled);
    }

    [Fact]
    public void Steady_state_typed_run_allocates_nothing()
    {
        using var model = new MiniLm(ModelPath, new ModelOptions { IntraOpThreads = 1 });
        float checksum = 0;
        for (int i = 0; i < 3; i++)
        {
            checksum += Step(model);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            checksum += Step(model);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(float.IsFinite(checksum));
    }

    [Fact]
    public void The_signature_is_checked_against_the_real_model()
    {
        Assert.Equal(new[] { "input_ids", "attention_mask", "token_type_ids" }, MiniLm.InputSpecs.Select(s => s.Name));
        Assert.Equal(new[] { "last_hidden_state", "924" }, MiniLm.OutputSpecs.Select(s => s.Name));
        using OnnxModel model = OnnxModel.Load(ModelPath);
        ModelSignature.EnsureMatches(model, MiniLm.InputSpecs, MiniLm.OutputSpecs);
    }

    private static float[] RunTyped(MiniLm model)
    {
        s_tokens.CopyTo(model.InputIds(batch: 2, sequence: 5));
        model.AttentionMask(2, 5).Fill(1);
        model.TokenTypeIds(2, 5).Clear();
        model.Run();
        return model.LastHiddenState.ToArray();
    }

    private static float Step(MiniLm model)
    {
        s_tokens.CopyTo(model.InputIds(2, 5));
        model.AttentionMask(2, 5).Fill(1);
        model.TokenTypeIds(2, 5).Clear();
        model.Run();
        return model.Output924[0] + model.LastHiddenState[^1];
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
