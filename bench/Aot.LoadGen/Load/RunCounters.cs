namespace Aot.LoadGen.Load;

/// <summary>Counters shared by the clients of one run and read by the progress line.</summary>
internal sealed class RunCounters
{
    private long _completed;
    private long _errors;
    private long _latenessTicks;
    private string? _firstError;

    public long Completed => Interlocked.Read(ref _completed);

    public long Errors => Interlocked.Read(ref _errors);

    public long LatenessTicks => Interlocked.Read(ref _latenessTicks);

    public string? FirstError => Volatile.Read(ref _firstError);

    public void AddCompleted() => Interlocked.Increment(ref _completed);

    public void AddLateness(long ticks) => Interlocked.Add(ref _latenessTicks, ticks);

    public void AddError(Exception error)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, $"{error.GetType().Name}: {error.Message}", null);
    }
}
