using Aot.Server.Batching;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>
/// Wraps a real executor so a test can hold a run (and queue requests behind it deterministically); records input 0's
/// shape of every run.
/// </summary>
internal sealed class GatedExecutor(IModelExecutor inner) : IModelExecutor
{
    private readonly ManualResetEventSlim _gate = new(true);
    private readonly List<long[]> _shapes = [];
    private long[] _pending = [];

    public SemaphoreSlim Started { get; } = new(0);

    public int Runs { get; private set; }

    /// <summary>Input 0's shape of each run, in order.</summary>
    public IReadOnlyList<long[]> Shapes
    {
        get
        {
            lock (_shapes)
            {
                return [.. _shapes];
            }
        }
    }

    public void Hold() => _gate.Reset();

    public void Release() => _gate.Set();

    public Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape)
    {
        if (index == 0)
        {
            _pending = shape.ToArray();
        }

        return inner.GetInputBytes(index, shape);
    }

    public void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape) => inner.SetStringInput(index, values, shape);

    public string[] GetStringOutput(int index) => inner.GetStringOutput(index);

    public void Run()
    {
        Runs++;
        lock (_shapes)
        {
            _shapes.Add(_pending);
        }

        Started.Release();
        _gate.Wait();
        inner.Run();
    }

    public ReadOnlySpan<byte> GetOutputBytes(int index) => inner.GetOutputBytes(index);

    public ReadOnlySpan<long> GetOutputShape(int index) => inner.GetOutputShape(index);

    public void Dispose() => inner.Dispose();
}
