namespace Aot.Runtime.Tests;

/// <summary>
/// <see cref="ModelRunner.RunAndReleaseMemory"/>: a run like any other (same outputs), that also shrinks ONNX
/// Runtime's arenas and drops the bound buffers of every other input shape; the runner goes on working after it,
/// with the arena on or off.
/// </summary>
public class MemoryReleaseTests
{
    private const int Features = 16; // tiny: x [batch, 16] -> y [batch, 16]

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_releasing_run_gives_a_plain_runs_outputs_and_keeps_only_its_own_shape(bool arena)
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { CpuMemoryArena = arena });
        using ModelRunner runner = model.CreateRunner();
        foreach (long batch in (long[])[64, 256, 3])
        {
            ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, [batch, Features]), seed: (int)batch);
            runner.Run();
        }

        Assert.Equal(3, runner.CachedShapeCount);
        float[] plain = runner.GetOutput<float>(0).ToArray();

        runner.RunAndReleaseMemory();
        Assert.Equal(plain, runner.GetOutput<float>(0).ToArray());
        Assert.Equal(1, runner.CachedShapeCount);

        // Bigger shapes again after the release: the arena grows back and the results are a fresh runner's.
        long[] big = [256, Features];
        ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, big), seed: 9);
        runner.Run();
        using ModelRunner fresh = model.CreateRunner();
        ZeroAllocationTests.Fill(fresh.GetInputBuffer<float>(0, big), seed: 9);
        fresh.Run();
        Assert.Equal(fresh.GetOutput<float>(0).ToArray(), runner.GetOutput<float>(0).ToArray());
    }
}
