namespace Aot.Models;

/// <summary>A fetched file's SHA-256 differs from the pinned one even after fetching it again.</summary>
public sealed class ModelHashMismatchException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ModelHashMismatchException(string modelName, string filePath, string expectedSha256, string actualSha256, string origin)
        : base($"{modelName}: '{filePath}' from {origin} has SHA-256 {actualSha256}, expected {expectedSha256}. " +
               "The package in the registry or in a local package cache may have been altered; clear that cache entry and retry.")
    {
        ModelName = modelName;
        FilePath = filePath;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The catalog name of the model.</summary>
    public string ModelName { get; }

    /// <summary>The file whose hash is wrong.</summary>
    public string FilePath { get; }

    /// <summary>The pinned hash.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The hash the fetched file has.</summary>
    public string ActualSha256 { get; }
}
