namespace Aot.Runtime.Tests;

/// <summary>One model, many runners on many threads: the documented concurrency contract.</summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task Runners_on_parallel_threads_share_one_model_and_get_their_own_results()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { IntraOpThreads = 1 });
        float[][] expected = new float[8][];
        using (ModelRunner reference = model.CreateRunner())
        {
            for (int seed = 0; seed < expected.Length; seed++)
            {
                ZeroAllocationTests.Fill(reference.GetInputBuffer<float>(0, [3, 16]), seed);
                reference.Run();
                expected[seed] = reference.GetOutput<float>(0).ToArray();
            }
        }

        Task[] workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            using ModelRunner runner = model.CreateRunner();
            for (int iteration = 0; iteration < 200; iteration++)
            {
                int seed = (worker * 3 + iteration) % expected.Length;
                ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, [3, 16]), seed);
                runner.Run();
                Assert.Equal(expected[seed], runner.GetOutput<float>(0).ToArray());
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }
}
