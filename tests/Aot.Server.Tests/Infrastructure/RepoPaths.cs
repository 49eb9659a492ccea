namespace Aot.Server.Tests.Infrastructure;

/// <summary>Where things are in the repository, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The Configuration the tests were built with (the server was built alongside).</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The `aot` apphost from the regular build of src/Aot.Server.</summary>
    public static string BuiltServer => Path.Combine(Root, "src", "Aot.Server", "bin", Configuration, "net10.0", "aot");

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
