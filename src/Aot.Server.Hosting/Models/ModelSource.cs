using System.Globalization;
using Aot.Server.Embeddings;

namespace Aot.Server.Models;

/// <summary>A model file to serve, under a name and version.</summary>
internal sealed record class ModelSource(string Name, long Version, string Path)
{
    /// <summary>Its text side: a <c>vocab.txt</c> found next to the file, or given with <c>--tokenizer</c>.</summary>
    public EmbeddingSource? Embedding { get; init; }

    /// <summary><c>DIR/&lt;name&gt;/config.json</c> of a repository model, when there is one (<c>--config</c> names the others').</summary>
    public string? ConfigFile { get; init; }

    /// <summary>What the model's config file says (null: no file).</summary>
    public ModelConfig? Config { get; init; }

    /// <summary>The effective settings: command line over config file over defaults.</summary>
    public ModelSettings Settings { get; init; } = ModelSettings.Default;

    /// <summary>
    /// Parses a <c>--model NAME=PATH</c> value (version 1). Throws <see cref="StartupException"/> naming the
    /// problem and the path.
    /// </summary>
    public static ModelSource Parse(string spec)
    {
        int equals = spec.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == spec.Length - 1)
        {
            throw new StartupException($"--model '{spec}' is not NAME=PATH (for example --model minilm=/models/minilm.onnx).");
        }

        string name = spec[..equals].Trim();
        string path = spec[(equals + 1)..].Trim();
        if (!IsValidName(name))
        {
            throw new StartupException($"--model '{spec}': the name '{name}' may contain only letters, digits, '_', '-' and '.'.");
        }

        RequireFile(path, $"--model {name}");
        string fullPath = System.IO.Path.GetFullPath(path);
        return new ModelSource(name, 1, fullPath) { Embedding = EmbeddingSource.FindSidecar(fullPath) };
    }

    /// <summary>
    /// Finds <c>DIR/&lt;name&gt;/&lt;version&gt;/model.onnx</c> entries. Version folders must be positive integers;
    /// other folders and files are ignored, a version folder without <c>model.onnx</c> is an error.
    /// </summary>
    public static IReadOnlyList<ModelSource> Scan(string repository)
    {
        if (!Directory.Exists(repository))
        {
            throw new StartupException($"--repository '{repository}' is not a directory.");
        }

        var sources = new List<ModelSource>();
        foreach (string name in ModelNames(repository))
        {
            sources.AddRange(ScanModel(repository, name, skipIncomplete: false));
        }

        if (sources.Count == 0)
        {
            throw new StartupException($"--repository '{repository}' holds no models: expected {repository}/<name>/<version>/model.onnx.");
        }

        return sources;
    }

    /// <summary>The model folders of a repository (names that are valid model names), in ordinal order.</summary>
    public static IEnumerable<string> ModelNames(string repository) =>
        Directory.EnumerateDirectories(repository).Select(System.IO.Path.GetFileName).OfType<string>().Where(IsValidName).Order(StringComparer.Ordinal);

    /// <summary>
    /// The versions of model <paramref name="name"/> in <paramref name="repository"/> (empty when its folder is gone). A
    /// version folder without <c>model.onnx</c> is an error, or skipped with <paramref name="skipIncomplete"/> (a folder
    /// still being copied in while the server polls).
    /// </summary>
    public static IReadOnlyList<ModelSource> ScanModel(string repository, string name, bool skipIncomplete)
    {
        string modelDir = System.IO.Path.Combine(repository, name);
        if (!Directory.Exists(modelDir))
        {
            return [];
        }

        string configFile = System.IO.Path.Combine(modelDir, ModelConfigFile.FileName);
        string? config = File.Exists(configFile) ? System.IO.Path.GetFullPath(configFile) : null;
        var sources = new List<ModelSource>();
        foreach (string versionDir in Directory.EnumerateDirectories(modelDir))
        {
            if (!long.TryParse(System.IO.Path.GetFileName(versionDir), NumberStyles.None, CultureInfo.InvariantCulture, out long version) || version <= 0)
            {
                continue;
            }

            string file = System.IO.Path.Combine(versionDir, "model.onnx");
            if (skipIncomplete && !File.Exists(file))
            {
                continue;
            }

            RequireFile(file, $"--repository model '{name}' version {version}");
            string fullPath = System.IO.Path.GetFullPath(file);
            sources.Add(new ModelSource(name, version, fullPath) { Embedding = EmbeddingSource.FindSidecar(fullPath), ConfigFile = config });
        }

        return sources;
    }

    /// <summary>Letters, digits, '_', '-' and '.', but not a name made of dots only ('.', '..': folders that are not a model's).</summary>
    public static bool IsValidName(string name) => IsValidNameCharacters(name) && name.Any(static c => c != '.');

    private static bool IsValidNameCharacters(string name) =>
        name.Length > 0 && name.Length <= 256 && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static void RequireFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new StartupException($"{what}: '{path}' is a directory, not an .onnx file.");
        }

        if (!File.Exists(path))
        {
            throw new StartupException($"{what}: model file '{path}' was not found.");
        }
    }
}
