using System.Diagnostics;
using System.Globalization;

namespace Aot.Models;

/// <summary>
/// Human-readable progress of fetching and generating, one line per event (CI logs keep every line; a
/// carriage-return progress bar would be garbled there). Long copies report about once a second.
/// </summary>
internal sealed class ProgressLog(TextWriter writer)
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);
    private readonly TextWriter _writer = TextWriter.Synchronized(writer);

    public static ProgressLog Silent { get; } = new(TextWriter.Null);

    public void Info(string message) => _writer.WriteLine($"[aot-models] {message}");

    /// <summary>Copies exactly <paramref name="length"/> bytes, reporting progress for large copies.</summary>
    public void Copy(Stream source, Stream destination, long length, string label)
    {
        var buffer = new byte[1 << 20];
        var stopwatch = Stopwatch.StartNew();
        long copied = 0;
        var nextReport = ReportInterval;
        while (copied < length)
        {
            var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length - copied));
            if (read == 0)
                throw new EndOfStreamException($"{label}: the source ended after {copied} of {length} bytes.");
            destination.Write(buffer, 0, read);
            copied += read;
            if (stopwatch.Elapsed >= nextReport && copied < length)
            {
                Info($"{label}: {FormatSize(copied)} / {FormatSize(length)} ({100 * copied / length}%)");
                nextReport = stopwatch.Elapsed + ReportInterval;
            }
        }
        Info($"{label}: {FormatSize(length)} in {FormatSeconds(stopwatch.Elapsed)}");
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string FormatSeconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F1} s");
}
