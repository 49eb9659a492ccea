using Aot.Server.Batching;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>
/// An identity "model" for batcher tests: output i is input i. Records the rows of every run, and can hold a run
/// until released so tests can queue requests behind a busy worker deterministically.
/// </summary>
internal sealed class FakeExecutor(int tensors) : IModelExecutor
{
    private readonly byte[][] _buffers = [.. Enumerable.Range(0, tensors).Select(static _ => Array.Empty<byte>())];
    private readonly long[][] _shapes = new long[tensors][];
    private readonly List<long> _batchRows = [];

    /// <summary>When set, each run waits for it (reset it to hold the next run).</summary>
    public ManualResetEventSlim Gate { get; } = new(true);

    /// <summary>Signalled when a run starts.</summary>
    public SemaphoreSlim RunStarted { get; } = new(0);

    public IReadOnlyList<long> BatchRows
    {
        get
        {
            lock (_batchRows)
            {
                return [.. _batchRows];
            }
        }
    }

    public Exception? FailNextRun { get; set; }

    public Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape)
    {
        _shapes[index] = shape.ToArray();
        long bytes = 4;
        foreach (long d in shape)
        {
            bytes *= d;
        }

        if (_buffers[index].Length != bytes)
        {
            _buffers[index] = new byte[bytes];
        }

        return _buffers[index];
    }

    public void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape) => throw new NotSupportedException();

    public string[] GetStringOutput(int index) => throw new NotSupportedException();

    /// <summary>Threads that ran the model, in order.</summary>
    public List<int> RunThreads { get; } = [];

    public void Run()
    {
        lock (RunThreads)
        {
            RunThreads.Add(Environment.CurrentManagedThreadId);
        }

        RunStarted.Release();
        Gate.Wait();
        lock (_batchRows)
        {
            _batchRows.Add(_shapes[0][0]);
        }

        if (FailNextRun is { } failure)
        {
            FailNextRun = null;
            throw failure;
        }
    }

    /// <summary>Input 0's shape at each <see cref="RunAndReleaseMemory"/> (the idle release).</summary>
    public List<long[]> ReleaseRuns { get; } = [];

    /// <summary>Signalled after each <see cref="RunAndReleaseMemory"/>.</summary>
    public SemaphoreSlim MemoryReleased { get; } = new(0);

    public void RunAndReleaseMemory()
    {
        lock (ReleaseRuns)
        {
            ReleaseRuns.Add(_shapes[0]);
        }

        MemoryReleased.Release();
    }

    public ReadOnlySpan<byte> GetOutputBytes(int index) => _buffers[index];

    public ReadOnlySpan<long> GetOutputShape(int index) => _shapes[index];

    public void Dispose() => Gate.Dispose();
}
