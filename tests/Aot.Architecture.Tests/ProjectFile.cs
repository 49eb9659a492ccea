using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Aot.Architecture.Tests;

/// <summary>One product project: its references and the C# files compiled into it (its folder plus linked files).</summary>
internal sealed partial class ProjectFile
{
    private ProjectFile(string path)
    {
        Path = path;
        Name = System.IO.Path.GetFileNameWithoutExtension(path);
        Folder = System.IO.Path.GetDirectoryName(path)!;
        XDocument xml = XDocument.Load(path);
        References = [.. xml.Descendants("ProjectReference").Select(static r => System.IO.Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))];
        LinkedFiles = [.. xml.Descendants("Compile").Select(static c => c.Attribute("Include")?.Value).OfType<string>().SelectMany(ExpandInclude)];
    }

    public string Path { get; }

    public string Name { get; }

    public string Folder { get; }

    public string[] References { get; }

    /// <summary>Source files from outside the project's folder (<c>&lt;Compile Include="../Shared/**/*.cs" /&gt;</c>).</summary>
    public string[] LinkedFiles { get; }

    public IEnumerable<string> OwnFiles => Repository.SourceFiles(Folder);

    /// <summary>Namespaces declared by the files compiled into the project, linked ones included.</summary>
    public HashSet<string> DeclaredNamespaces() =>
        [.. OwnFiles.Concat(LinkedFiles).SelectMany(static f => Namespace().Matches(File.ReadAllText(f)).Select(static m => m.Groups["name"].Value))];

    public static IReadOnlyList<ProjectFile> All() =>
        [.. Repository.ProductFolders
            .SelectMany(static folder => Directory.EnumerateFiles(System.IO.Path.Combine(Repository.Root, folder), "*.csproj", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(static p => new ProjectFile(p))];

    private IEnumerable<string> ExpandInclude(string include)
    {
        string pattern = include.Replace('\\', '/');
        int wildcard = pattern.IndexOf('*', StringComparison.Ordinal);
        if (wildcard < 0)
        {
            return [System.IO.Path.GetFullPath(System.IO.Path.Combine(Folder, pattern))];
        }

        // Only the "dir/**/*.cs" form is used in this repository.
        string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(Folder, pattern[..wildcard]));
        return Directory.Exists(root) ? Repository.SourceFiles(root) : [];
    }

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[A-Za-z_][\w.]*)", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
