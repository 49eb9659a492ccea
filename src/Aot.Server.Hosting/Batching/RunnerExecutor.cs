using Aot.Runtime;

namespace Aot.Server.Batching;

/// <summary>An <see cref="IModelExecutor"/> over one <see cref="ModelRunner"/> (pinned buffers, IoBinding).</summary>
internal sealed class RunnerExecutor(ModelRunner runner) : IModelExecutor
{
    // String outputs are read from ONNX Runtime once per run (the runtime allocates a fresh array each call),
    // however many requests of the batch ask for them.
    private readonly string[]?[] _strings = new string[runner.OutputCount][];

    public Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape) => runner.GetInputBytes(index, shape);

    public void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape) => runner.SetStringInput(index, values, shape);

    public void Run()
    {
        Array.Clear(_strings);
        runner.Run();
    }

    public void RunAndReleaseMemory()
    {
        Array.Clear(_strings);
        runner.RunAndReleaseMemory();
    }

    public ReadOnlySpan<byte> GetOutputBytes(int index) => runner.GetOutputBytes(index);

    public string[] GetStringOutput(int index) => _strings[index] ??= runner.GetStringOutput(index);

    public ReadOnlySpan<long> GetOutputShape(int index) => runner.GetOutputShape(index);

    public void Dispose() => runner.Dispose();
}
