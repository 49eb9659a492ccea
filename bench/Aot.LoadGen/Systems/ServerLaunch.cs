namespace Aot.LoadGen.Systems;

/// <summary>How to start one server process: executable, arguments, extra environment.</summary>
internal sealed record ServerLaunch(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The command line as a shell would show it (for the recorded settings).</summary>
    public string CommandLine => string.Join(' ', [Executable, .. Arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a)]);
}
