namespace Aot.Server.Models;

/// <summary>
/// What identifies one version's files on disk: size and last write time of its model file and of its model's config
/// file. A poll reloads a version whose fingerprint changed and does not retry a failed one whose fingerprint did not.
/// </summary>
internal static class SourceFingerprint
{
    public static string Of(ModelSource source) => $"{Describe(source.Path)}|{(source.ConfigFile is { } config ? Describe(config) : "")}";

    private static string Describe(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{file.Length}@{file.LastWriteTimeUtc.Ticks}" : "missing";
    }
}
