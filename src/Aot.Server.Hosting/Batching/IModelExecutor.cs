namespace Aot.Server.Batching;

/// <summary>
/// What a batch worker needs from a model: fill inputs, run, read outputs. One executor per worker; not
/// thread-safe. The production implementation wraps an <c>Aot.Runtime.ModelRunner</c>; tests use fakes to
/// drive batch formation deterministically without ONNX Runtime.
/// </summary>
internal interface IModelExecutor : IDisposable
{
    /// <summary>Sets input <paramref name="index"/>'s shape and returns its (pinned) buffer to fill.</summary>
    Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape);

    /// <summary>Sets string input <paramref name="index"/> (allocates: strings live in ONNX Runtime's memory).</summary>
    void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape);

    /// <summary>Runs the model on the current inputs.</summary>
    void Run();

    /// <summary>
    /// Runs the model on the current inputs, then gives back the memory the runtime's arenas grew to (after a burst,
    /// on a small input: see <see cref="DynamicBatcher"/>'s idle release). Executors without such memory just run.
    /// </summary>
    void RunAndReleaseMemory() => Run();

    /// <summary>Output <paramref name="index"/> of the last run; valid until the next run.</summary>
    ReadOnlySpan<byte> GetOutputBytes(int index);

    /// <summary>String output <paramref name="index"/> of the last run (the same array until the next run).</summary>
    string[] GetStringOutput(int index);

    /// <summary>Shape of output <paramref name="index"/> of the last run.</summary>
    ReadOnlySpan<long> GetOutputShape(int index);

    /// <summary>
    /// Lays a whole batch out in the input buffers itself (a compiled-in model's generated code knows element sizes,
    /// fixed dimensions and row sizes as constants), or returns false having touched nothing: then
    /// <see cref="BatchPlan.FillInputs"/> does it through <see cref="GetInputBytes"/>. Declining is always safe.
    /// </summary>
    /// <param name="batch">The requests, in row order.</param>
    /// <param name="rows">The batch's rows (the sum of the requests' dimension 0 for a batchable model, else 1).</param>
    bool TryFillInputs(List<InferenceRequest> batch, long rows) => false;
}
