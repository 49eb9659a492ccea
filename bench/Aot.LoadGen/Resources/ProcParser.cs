using System.Globalization;

namespace Aot.LoadGen.Resources;

/// <summary>
/// Parses the two /proc files the sampler reads. <c>/proc/PID/stat</c>: the command name (field 2) is in
/// parentheses and may hold spaces or parentheses, so fields are counted from the last <c>)</c>; utime and stime
/// are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux x86-64 and arm64). <c>/proc/PID/status</c>:
/// <c>VmRSS</c> and <c>VmHWM</c> lines, in kB, and the <c>Threads</c> line.
/// </summary>
internal static class ProcParser
{
    /// <summary>USER_HZ: the unit of the times in /proc/PID/stat.</summary>
    public const double ClockTicksPerSecond = 100;

    /// <summary>utime + stime of a /proc/PID/stat line, in seconds.</summary>
    public static double CpuSeconds(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("A /proc/PID/stat line has its command name in parentheses.");
        }

        // After ") " come field 3 (state), 4, 5 …; utime is field 14, stime field 15.
        string[] fields = stat[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int firstField = 3;
        long utime = long.Parse(fields[14 - firstField], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[15 - firstField], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    /// <summary>(VmRSS, VmHWM) in kB from /proc/PID/status; 0 for a line that is missing.</summary>
    public static (long RssKb, long PeakRssKb) Memory(string status)
    {
        long rss = 0;
        long peak = 0;
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>The <c>Threads:</c> count of /proc/PID/status.</summary>
    /// <exception cref="FormatException">The line is missing (not a /proc/PID/status text).</exception>
    public static int Threads(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                return (int)Kilobytes(line);
            }
        }

        throw new FormatException("A /proc/PID/status text has a 'Threads:' line.");
    }

    // The second whitespace-separated field of a 'Name: value [unit]' line.
    private static long Kilobytes(string line)
    {
        string[] parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
