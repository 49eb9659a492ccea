namespace Aot.LoadGen.Resources;

/// <summary>
/// What a leak shows first, read from /proc at one instant: resident set (kB), open file descriptors (entries of
/// <c>/proc/PID/fd</c>: sockets, files, pipes, eventfds) and threads (<c>Threads:</c> of <c>/proc/PID/status</c>).
/// </summary>
internal readonly record struct ProcessVitals(long RssKb, int OpenFds, int Threads)
{
    /// <summary>Reads <paramref name="pid"/>'s vitals; null once the process is gone (or /proc cannot be read).</summary>
    public static ProcessVitals? Read(int pid)
    {
        try
        {
            string status = File.ReadAllText($"/proc/{pid}/status");
            int fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
            return new ProcessVitals(ProcParser.Memory(status).RssKb, fds, ProcParser.Threads(status));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Threads the runtime starts once, on first use, and keeps for the life of the process (the timer thread: the first
    /// timer armed anywhere starts it). One appearing after an idle reading is not a leak.
    /// </summary>
    public static readonly IReadOnlySet<string> OnceStartedThreads = new HashSet<string>(StringComparer.Ordinal) { ".NET Timer" };

    /// <summary>How many <see cref="OnceStartedThreads"/> <paramref name="after"/> has that <paramref name="before"/> had not.</summary>
    public static int OnceStartedSince(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int> after) =>
        OnceStartedThreads.Count(name => before.GetValueOrDefault(name) == 0 && after.GetValueOrDefault(name) > 0);

    /// <summary>
    /// The process's threads by name (<c>/proc/PID/task/*/comm</c>: .NET names its threads, e.g. <c>.NET TP Worker</c>,
    /// ONNX Runtime's are named after the process), with how many share each name; empty once the process is gone.
    /// </summary>
    public static IReadOnlyDictionary<string, int> ThreadNames(int pid)
    {
        var names = new SortedDictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    string name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                    names[name] = names.GetValueOrDefault(name) + 1;
                }
                catch (IOException)
                {
                    // The thread ended while being listed.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return names;
    }

    /// <summary>
    /// What changed between two <see cref="ThreadNames"/> readings, e.g. <c>.NET TP Worker +1</c>; empty when the same.
    /// </summary>
    public static string ThreadChanges(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int> after) =>
        string.Join(", ", before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(name => (name, change: after.GetValueOrDefault(name) - before.GetValueOrDefault(name)))
            .Where(c => c.change != 0)
            .Select(c => FormattableString.Invariant($"{c.name} {c.change:+0;-0}")));

    /// <summary>Resident set in MiB.</summary>
    public double RssMb => RssKb / 1024.0;
}
