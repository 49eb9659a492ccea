using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Aot.Generators.Tests.Infrastructure;

/// <summary>
/// This repository's packages as a user gets them: <c>dotnet pack</c> of the given projects and every project they
/// reference, into a local folder feed, under a prerelease version of their own (so the NuGet cache can never serve a
/// package from an earlier run), and a <c>nuget.config</c> for consumer projects built outside the repository.
/// Disposing deletes the temporary directory and the packages restored from the feed into the machine's NuGet cache.
/// Shared by the generator's package test and the compiled-in server's package route test.
/// </summary>
internal sealed class LocalPackageFeed : IDisposable
{
    private LocalPackageFeed(string root, string version)
    {
        Root = root;
        Version = version;
        Directory.CreateDirectory(FeedDirectory);
    }

    /// <summary>The repository (the directory holding Directory.Packages.props).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>A temporary directory for the feed and the consumer projects; deleted on dispose.</summary>
    public string Root { get; }

    /// <summary>The folder feed.</summary>
    public string FeedDirectory => Path.Combine(Root, "feed");

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; }

    /// <summary>The ids of the packages in the feed.</summary>
    public IReadOnlyList<string> PackageIds => [.. Directory.GetFiles(FeedDirectory, "*.nupkg").Select(p => Path.GetFileName(p)[..^(Version.Length + ".nupkg".Length + 1)]).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Packs <paramref name="projects"/> (paths relative to the repository root) and, transitively, the projects they
    /// reference, with one <c>dotnet pack</c> of a solution listing them all. Fails the test with the output on error.
    /// </summary>
    public static LocalPackageFeed Pack(TimeSpan timeout, params string[] projects)
    {
        string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var feed = new LocalPackageFeed(Directory.CreateTempSubdirectory("aot-package-").FullName, version);
        try
        {
            string solution = Path.Combine(feed.Root, "packages.slnx");
            File.WriteAllText(solution, new XElement("Solution",
                WithReferences(projects.Select(p => Path.GetFullPath(Path.Combine(RepositoryRoot, p))))
                    .Select(p => new XElement("Project", new XAttribute("Path", Path.GetRelativePath(feed.Root, p))))).ToString());

            (int exit, string output) = DotNetCli.Run(feed.Root, timeout, "pack", solution, "-c", "Release", "-o", feed.FeedDirectory, "-p:PackageVersion=" + version);
            Assert.True(exit == 0, "dotnet pack failed:\n" + output);
            return feed;
        }
        catch
        {
            feed.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <c>nuget.config</c> into <paramref name="projectDirectory"/>: this feed first, then nuget.org (ONNX Runtime,
    /// System.CommandLine and the ILCompiler packages; a machine that has them cached needs no network).
    /// </summary>
    public void WriteNuGetConfig(string projectDirectory) =>
        File.WriteAllText(Path.Combine(projectDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="aot-local" value="{FeedDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);

    public void Dispose()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in Directory.Exists(FeedDirectory) ? PackageIds : [])
        {
            string cached = Path.Combine(cache, id.ToLowerInvariant(), Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }

            if (Directory.Exists(Path.GetDirectoryName(cached)) && !Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(cached)!).Any())
            {
                Directory.Delete(Path.GetDirectoryName(cached)!); // the id's folder, when no other version was ever restored
            }
        }

        Directory.Delete(Root, recursive: true);
    }

    /// <summary>The projects and every project they reference (ProjectReferences whose output is referenced), in order.</summary>
    private static List<string> WithReferences(IEnumerable<string> projects)
    {
        var all = new List<string>();
        var pending = new Queue<string>(projects);
        while (pending.TryDequeue(out string? project))
        {
            if (all.Contains(project, StringComparer.Ordinal))
            {
                continue;
            }

            all.Add(project);
            foreach (XElement reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                if (!string.Equals((string?)reference.Attribute("ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase))
                {
                    pending.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, (string)reference.Attribute("Include")!)));
                }
            }
        }

        return all;
    }

    private static string FindRepositoryRoot([CallerFilePath] string thisFile = "")
    {
        for (string? directory = Path.GetDirectoryName(thisFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Directory.Packages.props")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root from " + thisFile);
    }
}
