using Aot.Models.Onnx;
using Aot.Protocol;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime.Tests;

/// <summary>
/// The runner's per-shape cache: alternating input shapes (a dynamic batcher's batch sizes) reuse the buffers,
/// OrtValues and binding of each shape, give the same results as a fresh runner, stay within the bounds of
/// <see cref="ShapeCacheOptions"/>, and give every buffer back.
/// </summary>
public class ShapeCacheTests
{
    private const int Features = 16; // tiny: x [batch, 16] -> y [batch, 16]
    private static readonly long[] Batches = [1, 3, 8, 16];

    [Fact]
    public void Alternating_batch_sizes_give_the_results_of_a_fresh_runner()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"));
        using ModelRunner runner = model.CreateRunner();
        long[] sequence = [1, 3, 8, 16, 3, 1, 16, 8, 8, 1, 3, 16, 1];
        for (int step = 0; step < sequence.Length; step++)
        {
            long[] shape = [sequence[step], Features];
            ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, shape), seed: step);
            runner.Run();

            Assert.Equal(shape, runner.GetOutputShape(0).ToArray());
            Assert.Equal(RunFresh(model, shape, seed: step), runner.GetOutput<float>(0).ToArray());
        }

        Assert.Equal(4, runner.CachedShapeCount);
    }

    [Fact]
    public void Alternating_batch_sizes_1000_runs_allocate_nothing_after_each_is_seen_once()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"));
        using ModelRunner runner = model.CreateRunner();
        long[][] shapes = Batches.Select(b => new[] { b, Features }).ToArray();
        foreach (long[] shape in shapes)
        {
            ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, shape), seed: 1);
            runner.Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        float checksum = 0;
        for (int i = 0; i < 1000; i++)
        {
            long[] shape = shapes[i % shapes.Length];
            runner.GetInputBuffer<float>(0, shape)[0] = i % 7;
            runner.Run();
            checksum += runner.GetOutput<float>(0)[0];
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(float.IsFinite(checksum));
        Assert.Equal(shapes.Length, runner.CachedShapeCount);
    }

    [Fact]
    public void MiniLM_alternating_batch_and_sequence_allocates_nothing_and_matches_a_fresh_runner()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("minilm"), new ModelOptions { IntraOpThreads = 2 });
        using ModelRunner runner = model.CreateRunner();
        long[][] shapes = [[1, 16], [2, 8], [4, 16], [2, 12]];
        var expected = new Dictionary<int, float[]>();
        for (int s = 0; s < shapes.Length; s++)
        {
            using ModelRunner fresh = model.CreateRunner();
            ZeroAllocationTests.FillTokens(fresh, shapes[s]);
            fresh.Run();
            expected[s] = fresh.GetOutput<float>(0).ToArray();

            ZeroAllocationTests.FillTokens(runner, shapes[s]);
            runner.Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 40; i++)
        {
            ZeroAllocationTests.FillTokens(runner, shapes[i % shapes.Length]);
            runner.Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        for (int s = shapes.Length - 1; s >= 0; s--)
        {
            ZeroAllocationTests.FillTokens(runner, shapes[s]);
            runner.Run();
            Assert.Equal(expected[s], runner.GetOutput<float>(0).ToArray());
        }
    }

    [Fact]
    public void Learned_output_shapes_keep_working_when_shapes_alternate()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.ReluWithUnknownOutput("relu-unknown-alternating.onnx"));
        using ModelRunner runner = model.CreateRunner();
        long[] batches = [2, 5, 7];

        // The first run of each shape lets ORT allocate and learns the shape; from the second on, nothing is allocated.
        for (int round = 0; round < 3; round++)
        {
            if (round > 0)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                foreach (long batch in batches)
                {
                    RunRelu(runner, batch, round);
                }

                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            foreach (long batch in batches)
            {
                ReadOnlySpan<float> y = RunRelu(runner, batch, round);
                Assert.Equal([batch, 8L], runner.GetOutputShape(0).ToArray());
                for (int i = 0; i < y.Length; i++) Assert.Equal(Relu(i, round), y[i]);
            }
        }
    }

    [Fact]
    public void Data_dependent_outputs_stay_correct_when_shapes_alternate()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.NonZero("nonzero-dynamic.onnx", "n"));
        using ModelRunner runner = model.CreateRunner();
        float[][] inputs = [[1, 0, 2], [0, 0, 0, 5, 0], [1, 1, 0], [0, 3, 0, 5, 6], [0, 0, 1], [9, 9, 9, 9, 9], [1, 0, 2]];
        foreach (float[] input in inputs)
        {
            DynamicOutputTests.RunNonZeroAndCheck(runner, input);
        }
    }

    [Fact]
    public void String_inputs_are_bound_again_after_a_shape_switch()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Identity(ElementType.String, "batch", 3));
        using ModelRunner runner = model.CreateRunner();
        string[][] batches = [["a", "b", "c", "d", "e", "f"], ["x", "y", "z"], ["1", "2", "3", "4", "5", "6"], ["p", "q", "r"]];
        foreach (string[] values in batches)
        {
            runner.SetStringInput(0, values, [values.Length / 3, 3]);
            runner.Run();
            Assert.Equal(values, runner.GetStringOutput(0));
        }
    }

    [Fact]
    public void The_entry_cap_evicts_the_least_recently_used_shape_and_returns_its_buffers()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { ShapeCache = new ShapeCacheOptions { MaxEntries = 2 } });
        var buffers = new CountingBuffers();
        using (var runner = new ModelRunner(model, buffers))
        {
            RunTiny(runner, 1, seed: 1);
            RunTiny(runner, 3, seed: 2);
            Assert.Equal(2, runner.CachedShapeCount);
            Assert.Equal(4, buffers.Live); // x and y for each shape

            RunTiny(runner, 1, seed: 3);  // 1 is now the most recently used
            RunTiny(runner, 8, seed: 4);  // evicts 3
            Assert.Equal(2, runner.CachedShapeCount);
            Assert.Equal(4, buffers.Live);
            Assert.Equal(6, buffers.Rented);

            long before = GC.GetAllocatedBytesForCurrentThread();
            ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, [1, Features]), seed: 5);
            runner.Run(); // 1 is still cached: nothing built
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(6, buffers.Rented);

            foreach (long batch in new long[] { 3, 16, 8, 1, 3 })
            {
                float[] output = RunTiny(runner, batch, seed: (int)batch);
                Assert.Equal(RunFresh(model, [batch, Features], seed: (int)batch), output);
                Assert.True(runner.CachedShapeCount <= 2);
                Assert.True(buffers.Live <= 4);
            }
        }

        Assert.Equal(0, buffers.Live);
        Assert.Equal(buffers.Rented, buffers.Returned);
    }

    [Fact]
    public void The_byte_cap_keeps_only_what_fits_but_always_the_shape_in_use()
    {
        // tiny at batch 16: x and y are 1 KiB each (pool classes are powers of two, at least 64 B).
        var options = new ModelOptions { ShapeCache = new ShapeCacheOptions { MaxBytes = 2048 + 2 * 64 } };
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"), options);
        var buffers = new CountingBuffers();
        using (var runner = new ModelRunner(model, buffers))
        {
            RunTiny(runner, 1, seed: 1);
            RunTiny(runner, 16, seed: 2);
            Assert.Equal(2, runner.CachedShapeCount);
            Assert.Equal(2048 + 2 * 64, runner.CachedBytes);

            RunTiny(runner, 8, seed: 3);  // 512 B each: only the shape in use fits next to nothing else
            Assert.Equal(1, runner.CachedShapeCount);
            Assert.Equal(1024, runner.CachedBytes);
            Assert.Equal(runner.CachedBytes, buffers.LiveBytes);

            using var tight = OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { ShapeCache = new ShapeCacheOptions { MaxBytes = 0 } });
            using ModelRunner alone = tight.CreateRunner();
            foreach (long batch in new long[] { 16, 1, 16 })
            {
                Assert.Equal(RunFresh(model, [batch, Features], seed: 9), RunTiny(alone, batch, seed: 9));
                Assert.Equal(1, alone.CachedShapeCount);
            }
        }

        Assert.Equal(0, buffers.LiveBytes);
    }

    [Fact]
    public void Dispose_returns_every_buffer_including_unrun_input_shapes_and_learned_outputs()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.ReluWithUnknownOutput("relu-unknown-dispose.onnx"));
        var buffers = new CountingBuffers();
        var runner = new ModelRunner(model, buffers);
        foreach (long batch in new long[] { 2, 4, 2, 4, 6 })
        {
            RunRelu(runner, batch, seed: 0);
        }

        runner.GetInputBuffer<float>(0, [9, 8]); // set, never run
        Assert.True(buffers.Live > 0);
        runner.Dispose();
        runner.Dispose();

        Assert.Equal(0, buffers.Live);
        Assert.Equal(buffers.Rented, buffers.Returned);
        Assert.Throws<ObjectDisposedException>(() => runner.Run());
    }

    [Fact]
    public void Options_reject_bounds_that_keep_nothing()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapeCacheOptions { MaxEntries = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapeCacheOptions { MaxBytes = -1 });
        Assert.Equal(32, new ModelOptions().ShapeCache.MaxEntries);
        Assert.Equal(64L << 20, new ModelOptions().ShapeCache.MaxBytes);
    }

    private static float[] RunTiny(ModelRunner runner, long batch, int seed)
    {
        ZeroAllocationTests.Fill(runner.GetInputBuffer<float>(0, [batch, Features]), seed);
        runner.Run();
        return runner.GetOutput<float>(0).ToArray();
    }

    private static float[] RunFresh(OnnxModel model, long[] shape, int seed)
    {
        using ModelRunner fresh = model.CreateRunner();
        ZeroAllocationTests.Fill(fresh.GetInputBuffer<float>(0, shape), seed);
        fresh.Run();
        return fresh.GetOutput<float>(0).ToArray();
    }

    private static ReadOnlySpan<float> RunRelu(ModelRunner runner, long batch, int seed)
    {
        Span<float> x = runner.GetInputBuffer<float>(0, [batch, 8]);
        for (int i = 0; i < x.Length; i++) x[i] = (i + seed) % 2 == 0 ? i : -i;
        runner.Run();
        return runner.GetOutput<float>(0);
    }

    private static float Relu(int i, int seed) => (i + seed) % 2 == 0 ? i : 0;

    /// <summary>The shared pool, counting what this runner rents and returns; a double return fails the test.</summary>
    private sealed class CountingBuffers : IHostBufferSource
    {
        private readonly Dictionary<IntPtr, long> _live = [];

        public int Rented { get; private set; }

        public int Returned { get; private set; }

        public int Live => _live.Count;

        public long LiveBytes => _live.Values.Sum();

        public OrtMemoryInfo MemoryInfo => PooledHostBuffers.Instance.MemoryInfo;

        public NativeBuffer Rent(long bytes)
        {
            NativeBuffer buffer = PooledHostBuffers.Instance.Rent(bytes);
            _live.Add(buffer.Pointer, buffer.Capacity);
            Rented++;
            return buffer;
        }

        public void Return(NativeBuffer buffer)
        {
            if (buffer.IsEmpty)
            {
                return;
            }

            Assert.True(_live.Remove(buffer.Pointer), "A buffer was returned twice or was never rented here.");
            Returned++;
            PooledHostBuffers.Instance.Return(buffer);
        }
    }
}
