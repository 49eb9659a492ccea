using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Hosting;

namespace Aot.Server.Compiled;

/// <summary>
/// The batcher's <see cref="IModelExecutor"/> for a compiled-in model: inputs through the generated
/// <see cref="CompiledRunner"/>, runs and outputs through its <see cref="ModelRunner"/> directly.
/// </summary>
internal sealed class CompiledExecutor(CompiledRunner compiled) : IModelExecutor
{
    private readonly ModelRunner _runner = compiled.Runner;

    // As RunnerExecutor: string outputs are read from ONNX Runtime once per run, however many requests ask.
    private readonly string[]?[] _strings = new string[compiled.Runner.OutputCount][];

    public Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape) => compiled.GetInputBytes(index, shape);

    public void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape) => compiled.SetStringInput(index, values, shape);

    public void Run()
    {
        Array.Clear(_strings);
        _runner.Run();
    }

    public ReadOnlySpan<byte> GetOutputBytes(int index) => _runner.GetOutputBytes(index);

    public string[] GetStringOutput(int index) => _strings[index] ??= _runner.GetStringOutput(index);

    public ReadOnlySpan<long> GetOutputShape(int index) => _runner.GetOutputShape(index);

    public void Dispose() => compiled.Dispose();
}
