namespace Aot.Models;

/// <summary>How a generated model or fixture is produced.</summary>
/// <param name="RecipeKey">
/// Everything the output depends on (builder, options, seed), in a stable text form; the cache directory is
/// named after its hash, so a different recipe never reuses a stale file.
/// </param>
/// <param name="WriteFiles">Writes the model's files into the given (empty) directory.</param>
internal sealed record ModelGenerator(string RecipeKey, Action<string> WriteFiles)
{
    /// <summary>
    /// Bump when any builder's output changes for the same options, so caches regenerate instead of serving
    /// old bytes. <c>GoldenHashTests</c> fails until it is bumped (and its hashes updated).
    /// </summary>
    public const int Version = 1;
}
