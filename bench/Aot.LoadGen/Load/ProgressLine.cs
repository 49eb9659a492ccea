using System.Globalization;

namespace Aot.LoadGen.Load;

/// <summary>
/// The live progress line on stderr: phase (warm-up, measure, stretch: the window runs past its nominal end until
/// enough requests started in it, drain: awaiting requests started in it), elapsed time, completed requests,
/// throughput, p50/p99 so far and errors. Rewritten in place on a terminal (every 0.5 s); one plain line every 2 s otherwise (CI logs).
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly string _label;
    private readonly LoadOptions _options;
    private readonly Schedule _schedule;
    private readonly RunCounters _counters;
    private readonly LatencyHistogram _histogram;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Timer _timer;
    private long _lastCompleted;
    private long _lastTime;

    public ProgressLine(string label, LoadOptions options, Schedule schedule, RunCounters counters, LatencyHistogram histogram)
    {
        _label = label;
        _options = options;
        _schedule = schedule;
        _counters = counters;
        _histogram = histogram;
        _lastTime = schedule.Start;
        TimeSpan period = TimeSpan.FromMilliseconds(_interactive ? 500 : 2000);
        _timer = new Timer(_ => Write(final: false), null, period, period);
    }

    /// <summary>Writes the last line (ending it on a terminal) and stops the timer.</summary>
    public void Finish()
    {
        _timer.Dispose();
        Write(final: true);
    }

    public void Dispose() => _timer.Dispose();

    private void Write(bool final)
    {
        long now = Clock.Now;
        string phase = now < _schedule.WarmUpEnd ? "warm-up" : now < _schedule.Rule.NominalEnd ? "measure" : now < _schedule.End ? "stretch" : "drain";
        long completed = _counters.Completed;
        double rate = (completed - _lastCompleted) / Math.Max(1e-9, Clock.Seconds(_lastTime, now));
        _lastCompleted = completed;
        _lastTime = now;
        double total = (_options.WarmUp + _options.Duration).TotalSeconds;
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{_label} {phase} {Clock.Seconds(_schedule.Start, now),5:0.0}/{total:0}s {completed,8} ok {rate,9:0} req/s p50 {_histogram.PercentileMs(50),8:0.000} ms p99 {_histogram.PercentileMs(99),8:0.000} ms err {_counters.Errors}");
        lock (_timer)
        {
            if (_interactive)
            {
                Console.Error.Write("\r" + text.PadRight(Math.Min(Console.BufferWidth > 0 ? Console.BufferWidth - 1 : 160, 160)) + (final ? "\n" : ""));
            }
            else
            {
                Console.Error.WriteLine(text);
            }
        }
    }
}
