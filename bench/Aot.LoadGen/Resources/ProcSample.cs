namespace Aot.LoadGen.Resources;

/// <summary>One reading of a process from /proc: resident set now and at its peak (kB), CPU time used (s).</summary>
internal readonly record struct ProcSample(long Timestamp, long RssKb, long PeakRssKb, double CpuSeconds);
