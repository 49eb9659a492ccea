using Aot.Runtime;

namespace Aot.Server.Hosting;

/// <summary>
/// The input side of a batch worker for a compiled-in model: the generated typed class writing the batch into its
/// pinned input buffers. One per worker; not thread-safe. Emitted by the source generator inside
/// <c>MyModel.Serving</c>. <see cref="TryFillInputs"/> lays a whole batch out with the model's constants; batches it
/// declines are filled by the server through <see cref="GetInputBytes"/> and <see cref="SetStringInput"/>. Runs and
/// outputs go straight to <see cref="Runner"/> (the same IoBinding the typed properties read), so the server adds no
/// dispatch on the way out.
/// </summary>
public abstract class CompiledRunner : IDisposable
{
    /// <summary>Creates the runner over the typed instance's <see cref="ModelRunner"/>.</summary>
    /// <param name="runner">The runner the typed instance owns.</param>
    protected CompiledRunner(ModelRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        Runner = runner;
    }

    /// <summary>The runner behind the typed instance (runs and outputs).</summary>
    public ModelRunner Runner { get; }

    /// <summary>Sets input <paramref name="index"/>'s shape and returns its pinned buffer as bytes.</summary>
    /// <param name="index">The input's position.</param>
    /// <param name="shape">The batch's shape for this input.</param>
    /// <returns>The buffer to fill.</returns>
    public abstract Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape);

    /// <summary>Sets string input <paramref name="index"/>.</summary>
    /// <param name="index">The input's position.</param>
    /// <param name="values">The strings, row-major.</param>
    /// <param name="shape">The batch's shape for this input.</param>
    public abstract void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape);

    /// <summary>
    /// Sets every input's batch shape and copies each request's bytes into the pinned input buffers, with the model's
    /// element sizes, fixed dimensions and row sizes as constants. False: the server's general batch filling does it
    /// (padded batches, string tensors, shapes the generated code does not take), so returning false is always safe;
    /// an implementation decides before it touches any buffer.
    /// </summary>
    /// <param name="batch">The batch's requests, all validated.</param>
    /// <returns>Whether the batch is laid out.</returns>
    protected virtual bool TryFillInputs(BatchInputs batch) => false;

    // The server calls the protected member through this (see CompiledModel).
    internal bool FillInputs(BatchInputs batch) => TryFillInputs(batch);

    /// <summary>Releases the typed instance (its runner and pinned buffers; the model stays loaded).</summary>
    public abstract void Dispose();
}
