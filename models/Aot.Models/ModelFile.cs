namespace Aot.Models;

/// <summary>One file of a catalog model.</summary>
/// <param name="FileName">The file's name inside the model's cache directory.</param>
/// <param name="Sha256">Lower-case hex SHA-256 the file must have (fetched models), or null (generated files).</param>
/// <param name="Size">Size in bytes when known in advance.</param>
public sealed record ModelFile(string FileName, string? Sha256 = null, long? Size = null);
