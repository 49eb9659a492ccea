using System.Text.RegularExpressions;

namespace Aot.Architecture.Tests;

/// <summary>The projects under src/, generators/ and models/ keep to the rules table of docs/architecture.md.</summary>
public partial class DependencyTests
{
    private static readonly DependencyRules Rules = DependencyRules.Load();
    private static readonly IReadOnlyList<ProjectFile> Projects = ProjectFile.All();

    [Fact]
    public void Every_project_has_a_row()
    {
        string[] missing = [.. Projects.Where(static p => !Rules.HasRow(p.Name)).Select(static p => $"{Repository.Relative(p.Path)} has no row in {DependencyRules.Document}")];
        Assert.True(missing.Length == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void Rows_name_only_projects_as_references()
    {
        // Rows may name projects that do not exist yet, but every name in the second column must have its own row.
        string[] unknown = [.. Rules.Projects.SelectMany(p => Rules.Allowed(p).Where(a => !Rules.HasRow(a)).Select(a => $"{p} may reference {a}, which has no row"))];
        Assert.True(unknown.Length == 0, string.Join(Environment.NewLine, unknown));
    }

    [Fact]
    public void Project_references_are_allowed_by_the_table()
    {
        var violations = new List<string>();
        foreach (ProjectFile project in Projects.Where(static p => Rules.HasRow(p.Name)))
        {
            foreach (string reference in project.References.Where(r => !Rules.Allowed(project.Name).Contains(r)))
            {
                violations.Add($"{Repository.Relative(project.Path)} references {reference}; {Rules.Describe(project.Name)}");
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Sources_use_only_namespaces_of_projects_they_may_reference()
    {
        Dictionary<string, HashSet<string>> declared = Projects.ToDictionary(static p => p.Name, static p => p.DeclaredNamespaces());
        var violations = new List<string>();
        foreach (ProjectFile project in Projects.Where(static p => Rules.HasRow(p.Name)))
        {
            HashSet<string> reachable = Rules.Reachable(project.Name);
            foreach (string file in project.OwnFiles)
            {
                foreach (Match match in Using().Matches(File.ReadAllText(file)))
                {
                    string used = match.Groups["name"].Value;
                    string[] owners = Owners(used, declared);
                    if (owners.Length > 0 && !owners.Contains(project.Name) && !owners.Any(reachable.Contains))
                    {
                        violations.Add($"{Repository.Relative(file)}: 'using {used}' is {string.Join(" / ", owners)}'s namespace; {Rules.Describe(project.Name)}");
                    }
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    /// <summary>The projects that declare the longest namespace that <paramref name="used"/> starts with (it may name a type).</summary>
    private static string[] Owners(string used, Dictionary<string, HashSet<string>> declared)
    {
        for (string candidate = used; candidate.Length > 0; candidate = candidate.Contains('.', StringComparison.Ordinal) ? candidate[..candidate.LastIndexOf('.')] : "")
        {
            string[] owners = [.. declared.Where(d => d.Value.Contains(candidate)).Select(static d => d.Key)];
            if (owners.Length > 0)
            {
                return owners;
            }
        }

        return [];
    }

    // using Aot.X; global using Aot.X; using static Aot.X.Type; using Alias = Aot.X.Type;
    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?(?<name>Aot(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
    private static partial Regex Using();
}
