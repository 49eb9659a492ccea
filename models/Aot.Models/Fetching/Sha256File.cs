using System.Security.Cryptography;

namespace Aot.Models.Fetching;

/// <summary>SHA-256 of files, as the lower-case hex that sha256sum prints and the catalog pins.</summary>
internal static class Sha256File
{
    public static string Compute(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
