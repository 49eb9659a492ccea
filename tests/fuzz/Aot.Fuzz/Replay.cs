namespace Aot.Fuzz;

/// <summary>Runs saved inputs (a corpus, afl-fuzz's crashes) through a target outside afl-fuzz, naming what each did.</summary>
public static class Replay
{
    /// <summary>Every file of <paramref name="paths"/> (files, or folders read recursively), in name order.</summary>
    public static IEnumerable<string> Files(IEnumerable<string> paths) =>
        paths.SelectMany(static p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(static f => !Path.GetFileName(f).StartsWith('.'))
            : [p]).Order(StringComparer.Ordinal);

    /// <summary>Runs each file once; writes one line per file; returns 1 when any input crashed the target, else 0.</summary>
    public static int Run(FuzzTarget target, IEnumerable<string> paths, TextWriter log)
    {
        int crashes = 0;
        foreach (string file in Files(paths))
        {
            try
            {
                FuzzOutcome outcome = target.Run(File.ReadAllBytes(file));
                log.WriteLine($"{outcome.ToString().ToLowerInvariant(),-8} {file}");
            }
#pragma warning disable CA1031 // the point is to report any exception type: each one is a finding
            catch (Exception ex)
#pragma warning restore CA1031
            {
                crashes++;
                log.WriteLine($"CRASH    {file}\n{ex}");
            }
        }

        return crashes == 0 ? 0 : 1;
    }
}
