using System.Diagnostics;

namespace Aot.Models.Caching;

/// <summary>
/// An exclusive lock on one cache entry, shared by threads and processes: a lock file opened with
/// <see cref="FileShare.None"/>, which .NET implements with an advisory <c>flock</c> on Unix (released by the
/// kernel if the process dies, so a crash never leaves the entry locked).
/// </summary>
/// <remarks>
/// Correctness does not depend on it: every file enters the cache by an atomic rename, so readers never see
/// half-written files. The lock only stops two processes from fetching or generating the same model at once.
/// </remarks>
internal sealed class CacheLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _file;

    private CacheLock(FileStream file) => _file = file;

    public static CacheLock Acquire(string lockPath, TimeSpan timeout, ProgressLog log)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var stopwatch = Stopwatch.StartNew();
        var announced = false;
        while (true)
        {
            try
            {
                return new CacheLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (stopwatch.Elapsed < timeout)
            {
                // Held by another thread or process; it is fetching or generating the same model.
                if (!announced)
                {
                    log.Info($"waiting for {Path.GetFileNameWithoutExtension(lockPath)}: another process is preparing it");
                    announced = true;
                }
                Thread.Sleep(PollInterval);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
