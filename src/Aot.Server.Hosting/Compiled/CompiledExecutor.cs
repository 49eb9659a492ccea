using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Hosting;

namespace Aot.Server.Compiled;

/// <summary>
/// The batcher's <see cref="IModelExecutor"/> for a compiled-in model: batches laid out by the generated
/// <see cref="CompiledRunner.TryFillInputs"/> when <paramref name="generatedFill"/> (the loaded file's dimensions are
/// exactly the compiled ones), else by <see cref="BatchPlan"/> through the runner's input methods; runs and outputs
/// through its <see cref="ModelRunner"/> directly.
/// </summary>
internal sealed class CompiledExecutor(CompiledRunner compiled, bool generatedFill) : IModelExecutor
{
    // Runs and outputs are exactly the general executor's over the typed instance's runner; the typed instance owns
    // that runner, so this one is never disposed.
    private readonly RunnerExecutor _runs = new(compiled.Runner);

    /// <summary>Batches this worker's generated code laid out (read by tests and the log; the worker's own counter, no atomics).</summary>
    public long GeneratedFills { get; private set; }

    /// <summary>Batches left to <see cref="BatchPlan"/>'s general filling (declined, or generated filling not in use).</summary>
    public long GeneralFills { get; private set; }

    public bool TryFillInputs(List<InferenceRequest> batch, long rows)
    {
        if (generatedFill && compiled.FillInputs(new BatchInputs(batch, rows)))
        {
            GeneratedFills++;
            return true;
        }

        GeneralFills++;
        return false;
    }

    public Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape) => compiled.GetInputBytes(index, shape);

    public void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape) => compiled.SetStringInput(index, values, shape);

    public void Run() => _runs.Run();

    public void RunAndReleaseMemory() => _runs.RunAndReleaseMemory();

    public ReadOnlySpan<byte> GetOutputBytes(int index) => _runs.GetOutputBytes(index);

    public string[] GetStringOutput(int index) => _runs.GetStringOutput(index);

    public ReadOnlySpan<long> GetOutputShape(int index) => _runs.GetOutputShape(index);

    public void Dispose() => compiled.Dispose();
}
