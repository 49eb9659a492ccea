using System.Runtime.InteropServices;

namespace Aot.Server.Hosting;

/// <summary>
/// glibc heap tuning for the server process. Without ONNX Runtime's arena (text models), a batch of long texts
/// allocates hundreds of MB of attention intermediates through malloc; glibc's dynamic mmap threshold then rises to
/// the freed sizes and later blocks come from the heap, which keeps them resident. A fixed threshold keeps every large
/// block mmap-backed, so it goes back to the system when freed.
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD; setting it also turns glibc's dynamic adjustment off
    private const int ThresholdBytes = 1 << 20;

    /// <summary>Fixes the mmap threshold at 1 MiB on glibc; elsewhere (musl, macOS, Windows) does nothing.</summary>
    public static void ReturnLargeBlocks(Action<string> log)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            if (mallopt(MmapThreshold, ThresholdBytes) == 0)
            {
                log("mallopt(M_MMAP_THRESHOLD) was refused; freed model memory may stay resident.");
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: nothing to tune.
        }
    }

    /// <summary>After a model was freed: gives glibc's free heap pages back to the system (malloc_trim); elsewhere nothing.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: nothing to trim.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
