namespace Aot.Compiled.Tests.Infrastructure;

/// <summary>Where things are in the repository, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The regular `aot` apphost, built alongside the tests.</summary>
    public static string AotServer => Path.Combine(Root, "src", "Aot.Server", "bin", Configuration, "net10.0", "aot");

    public static string Example => Path.Combine(Root, "tests", "Aot.Compiled.Example", "Aot.Compiled.Example.csproj");

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Directory.Build.props")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
