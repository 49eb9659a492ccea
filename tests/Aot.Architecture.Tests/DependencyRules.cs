using System.Text.RegularExpressions;

namespace Aot.Architecture.Tests;

/// <summary>The "Allowed dependencies" table of docs/architecture.md: project → projects it may reference directly.</summary>
internal sealed partial class DependencyRules
{
    public const string Document = "docs/architecture.md";

    private readonly Dictionary<string, string[]> _rows;

    private DependencyRules(Dictionary<string, string[]> rows) => _rows = rows;

    public IReadOnlyCollection<string> Projects => _rows.Keys;

    public bool HasRow(string project) => _rows.ContainsKey(project);

    public IReadOnlyList<string> Allowed(string project) => _rows[project];

    public string Describe(string project) =>
        $"{Document}: {project} may reference {(_rows[project].Length == 0 ? "nothing" : string.Join(", ", _rows[project]))}";

    /// <summary>The row's projects and, through their rows, everything below them.</summary>
    public HashSet<string> Reachable(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(_rows.GetValueOrDefault(project) ?? []);
        while (pending.TryPop(out string? next))
        {
            if (seen.Add(next))
            {
                foreach (string below in _rows.GetValueOrDefault(next) ?? [])
                {
                    pending.Push(below);
                }
            }
        }

        return seen;
    }

    public static DependencyRules Load()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Repository.Root, Document));
        int section = Array.FindIndex(lines, static l => l.Trim() == "## Allowed dependencies");
        if (section < 0)
        {
            throw new InvalidOperationException($"{Document} has no '## Allowed dependencies' section.");
        }

        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        bool sawHeader = false;
        for (int i = section + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            Match row = Row().Match(lines[i]);
            if (!row.Success)
            {
                continue;
            }

            string project = row.Groups["project"].Value.Trim();
            string allowed = row.Groups["allowed"].Value.Trim();
            if (!sawHeader)
            {
                sawHeader = project == "project" && allowed == "may reference";
                continue;
            }

            if (project.StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            if (!rows.TryAdd(project, allowed is "—" or "-" or "" ? [] : [.. allowed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]))
            {
                throw new InvalidOperationException($"{Document} lists {project} twice.");
            }
        }

        if (!sawHeader || rows.Count == 0)
        {
            throw new InvalidOperationException($"{Document} has no '| project | may reference |' table under '## Allowed dependencies'.");
        }

        return new DependencyRules(rows);
    }

    [GeneratedRegex(@"^\s*\|(?<project>[^|]*)\|(?<allowed>[^|]*)\|\s*$")]
    private static partial Regex Row();
}
