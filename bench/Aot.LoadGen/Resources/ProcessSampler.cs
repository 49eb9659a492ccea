using Aot.LoadGen.Load;

namespace Aot.LoadGen.Resources;

/// <summary>
/// Samples one process from /proc every 100 ms on its own timer for as long as it lives. A run asks for a
/// <see cref="ResourceWindow"/> between two timestamps: peak and median RSS, and CPU seconds used.
/// </summary>
internal sealed class ProcessSampler : IDisposable
{
    private readonly int _pid;
    private readonly List<ProcSample> _samples = [];
    private readonly Timer _timer;

    public ProcessSampler(int pid)
    {
        _pid = pid;
        Sample();
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Takes a sample now (also called at the edges of each window); null once the process is gone.</summary>
    public ProcSample? Sample()
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{_pid}/stat");
            string status = File.ReadAllText($"/proc/{_pid}/status");
            (long rss, long peak) = ProcParser.Memory(status);
            var sample = new ProcSample(Clock.Now, rss, peak, ProcParser.CpuSeconds(stat));
            lock (_samples)
            {
                _samples.Add(sample);
            }

            return sample;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Resource use between two timestamps (taking a fresh sample at the end).</summary>
    public ResourceWindow Window(long start, long end)
    {
        Sample();
        ProcSample[] inside;
        lock (_samples)
        {
            inside = [.. _samples.Where(s => s.Timestamp >= start && s.Timestamp <= Math.Max(end, Clock.Now))];
        }

        return ResourceWindow.From(inside);
    }

    /// <summary>The latest sample, if any.</summary>
    public ProcSample? Latest
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? null : _samples[^1];
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
