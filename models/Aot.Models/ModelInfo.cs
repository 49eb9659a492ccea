using Aot.Models.Fetching;

namespace Aot.Models;

/// <summary>
/// A model the store can provide: its name, what it is, where it comes from and which files it has.
/// Get one from <see cref="ModelStore"/>, <see cref="SyntheticModels"/> or <see cref="Fixtures"/>;
/// resolve it to files with <see cref="ModelCache.GetPath(ModelInfo, string?)"/>.
/// </summary>
public sealed class ModelInfo
{
    private ModelInfo(string name, ModelKind kind, string description, string origin, IReadOnlyList<ModelFile> files)
    {
        if (files.Count == 0)
            throw new ArgumentException("A model has at least one file.", nameof(files));
        Name = name;
        Kind = kind;
        Description = description;
        Origin = origin;
        Files = files;
    }

    /// <summary>The catalog name, e.g. <c>minilm</c> or <c>identity-int32</c>.</summary>
    public string Name { get; }

    /// <summary>Fetched, generated or fixture.</summary>
    public ModelKind Kind { get; }

    /// <summary>One line saying what the model is.</summary>
    public string Description { get; }

    /// <summary>Where the bytes come from: a package and version, or the generator and its options.</summary>
    public string Origin { get; }

    /// <summary>The files; the first is the <c>.onnx</c> model.</summary>
    public IReadOnlyList<ModelFile> Files { get; }

    /// <summary>The model file's name.</summary>
    public string FileName => Files[0].FileName;

    internal IPackageSource? PackageSource { get; private init; }

    internal ModelGenerator? Generator { get; private init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}): {Description}";

    internal static ModelInfo Fetched(string name, string description, IPackageSource source, IReadOnlyList<ModelFile> files)
    {
        if (files.Any(file => file.Sha256 is null))
            throw new ArgumentException("Every fetched file has a pinned SHA-256.", nameof(files));
        return new(name, ModelKind.Fetched, description, source.Description, files) { PackageSource = source };
    }

    internal static ModelInfo Generated(string name, ModelKind kind, string description, IReadOnlyList<string> fileNames, ModelGenerator generator) =>
        new(name, kind, description, generator.RecipeKey, [.. fileNames.Select(fileName => new ModelFile(fileName))]) { Generator = generator };
}
