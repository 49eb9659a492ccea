namespace Aot.Architecture.Tests;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static readonly string[] ProductFolders = ["src", "generators", "models"];

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>The C# files under <paramref name="folder"/>, without build outputs.</summary>
    public static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(static f => !IsBuildOutput(f));

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(static part => part is "bin" or "obj");

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Aot.sln above {AppContext.BaseDirectory}.");
    }
}
