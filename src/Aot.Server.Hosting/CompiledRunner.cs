using Aot.Runtime;

namespace Aot.Server.Hosting;

/// <summary>
/// The input side of a batch worker for a compiled-in model: the generated typed class writing the batch into its
/// pinned input buffers by index. One per worker; not thread-safe. Emitted by the source generator inside
/// <c>MyModel.Serving</c>. Runs and outputs go straight to <see cref="Runner"/> (the same IoBinding the typed
/// properties read), so the server adds no dispatch on the way out.
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

    /// <summary>Releases the typed instance (its runner and pinned buffers; the model stays loaded).</summary>
    public abstract void Dispose();
}
