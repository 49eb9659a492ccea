using System.Globalization;

namespace Aot.Runtime;

/// <summary>How a model is loaded and run. Immutable; the defaults suit a CPU server.</summary>
public sealed record class ModelOptions
{
    /// <summary>Shared default instance.</summary>
    public static ModelOptions Default { get; } = new();

    /// <summary>Execution device. <see cref="DeviceKind.Auto"/> falls back to the CPU with a logged reason.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary>CUDA device ordinal.</summary>
    public int DeviceId { get; init; }

    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads across independent operators (parallel execution mode only); 0 = ORT default.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Share one process-wide thread pool between all sessions instead of one pool per session. The pool is
    /// created by the first model loaded with this set, with that model's thread counts and spinning.
    /// </summary>
    public bool UseGlobalThreadPool { get; init; }

    /// <summary>Graph optimisation level.</summary>
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;

    /// <summary>
    /// Where to keep the optimised model. The first load writes it; later loads of an unchanged source with the
    /// same settings read it with optimisation turned off, which cuts start-up time.
    /// </summary>
    public string? OptimizedModelCachePath { get; init; }

    /// <summary>
    /// Whether ORT's worker threads spin while waiting for work. Spinning lowers latency and burns CPU;
    /// turn it off when many models share few cores.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>
    /// ONNX Runtime's CPU memory arena (default on). The arena keeps every block it ever grew to — after one batch of
    /// long sequences, hundreds of MB of attention intermediates stay resident. Off, each run's intermediates are
    /// allocated and freed through the C heap, so memory comes back after a burst, at a small cost per run.
    /// </summary>
    public bool CpuMemoryArena { get; init; } = true;

    /// <summary>CUDA execution provider settings.</summary>
    public CudaOptions Cuda { get; init; } = new();

    /// <summary>How many input-shape combinations (and bytes) each runner keeps bound; see <see cref="ShapeCacheOptions"/>.</summary>
    public ShapeCacheOptions ShapeCache { get; init; } = new();

    /// <summary>Receives informational messages, such as why <see cref="DeviceKind.Auto"/> chose the CPU.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">The text is none of these.</exception>
    public static (DeviceKind Kind, int Id) ParseDevice(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.Equals("cpu", StringComparison.OrdinalIgnoreCase)) return (DeviceKind.Cpu, 0);
        if (trimmed.Equals("auto", StringComparison.OrdinalIgnoreCase)) return (DeviceKind.Auto, 0);
        if (trimmed.Equals("cuda", StringComparison.OrdinalIgnoreCase)) return (DeviceKind.Cuda, 0);
        if (trimmed.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(trimmed.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            return (DeviceKind.Cuda, id);
        }

        throw new FormatException($"Unknown device '{text}': expected cpu, cuda, cuda:N or auto.");
    }
}
