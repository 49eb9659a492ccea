using System.Security.Cryptography;
using System.Text;
using Aot.Server.Models;

namespace Aot.Server.Security;

/// <summary>
/// The API keys a client may present (several at once, so a key can be rotated without a gap). Only SHA-256 digests are
/// kept; a presented key is hashed and compared with every digest in constant time, so neither the match nor the keys'
/// lengths show in the time an answer takes.
/// </summary>
internal sealed class ApiKeys
{
    /// <summary>The environment variable holding a key, or several separated by commas.</summary>
    public const string EnvironmentVariable = "AOT_API_KEY";

    /// <summary>Longest key accepted from a client (bytes of UTF-8); a longer one is refused without hashing it.</summary>
    public const int MaxKeyBytes = 1024;

    private readonly string[] _environmentKeys;
    private volatile byte[][] _digests;

    private ApiKeys(string[] environmentKeys, string? keyFile, byte[][] digests)
    {
        _environmentKeys = environmentKeys;
        KeyFile = keyFile;
        _digests = digests;
    }

    /// <summary>The <c>--api-key-file</c> the keys were read from (null: <c>AOT_API_KEY</c> only).</summary>
    public string? KeyFile { get; }

    public int Count => _digests.Length;

    /// <summary>
    /// The keys of <c>AOT_API_KEY</c> and of <paramref name="keyFile"/> (one a line; blank lines and <c>#</c> comments
    /// skipped), or null when neither gives one: the server is then open.
    /// </summary>
    /// <exception cref="StartupException">The file cannot be read or holds no key, or a key is too long.</exception>
    public static ApiKeys? Load(string? keyFile)
    {
        string[] environmentKeys = Environment.GetEnvironmentVariable(EnvironmentVariable) is { } variable
            ? variable.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        if (keyFile is null && environmentKeys.Length == 0)
        {
            return null;
        }

        string[]? lines = null;
        if (keyFile is not null)
        {
            try
            {
                lines = File.ReadAllLines(keyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StartupException($"Cannot read --api-key-file {keyFile}: {ex.Message}", ex);
            }
        }

        return new ApiKeys(environmentKeys, keyFile, Digests(environmentKeys, keyFile, lines));
    }

    /// <summary>
    /// Serves the keys of <see cref="KeyFile"/>'s new <paramref name="content"/> (with <c>AOT_API_KEY</c>'s) from the
    /// next request on; content that holds no key or a key too long changes nothing (the keys in use stay) and throws.
    /// </summary>
    /// <param name="content">The file as the caller read it (once: the caller also decides from it whether it changed).</param>
    /// <exception cref="StartupException">Why the content was not taken; it names the file, never a key.</exception>
    public void Reload(string content) => _digests = Digests(_environmentKeys, KeyFile, content.TrimStart('\uFEFF').Split('\n'));

    /// <summary>The SHA-256 of every key: <paramref name="environmentKeys"/> and <paramref name="fileLines"/>' keys (from <paramref name="keyFile"/>, named in errors).</summary>
    /// <param name="environmentKeys">The keys of <c>AOT_API_KEY</c>.</param>
    /// <param name="keyFile">The key file's path, for the messages.</param>
    /// <param name="fileLines">The key file's lines; null when there is no key file.</param>
    private static byte[][] Digests(string[] environmentKeys, string? keyFile, string[]? fileLines)
    {
        var keys = new List<string>(environmentKeys);
        if (fileLines is not null)
        {
            int before = keys.Count;
            keys.AddRange(fileLines.Select(static l => l.Trim()).Where(static l => l.Length > 0 && !l.StartsWith('#')));
            if (keys.Count == before)
            {
                throw new StartupException($"--api-key-file {keyFile} holds no key (one key a line; blank lines and # comments are skipped).");
            }
        }

        // The message names where the key came from, never the key.
        if (keys.Any(static k => Encoding.UTF8.GetByteCount(k) > MaxKeyBytes))
        {
            throw new StartupException($"An API key is longer than {MaxKeyBytes} bytes ({EnvironmentVariable} or --api-key-file).");
        }

        return [.. keys.Select(static k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
    }

    /// <summary>True when <paramref name="presented"/> (UTF-8) is one of the keys.</summary>
    public bool Accepts(ReadOnlySpan<byte> presented)
    {
        if (presented.Length == 0 || presented.Length > MaxKeyBytes)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(presented, digest);
        bool match = false;
        foreach (byte[] key in _digests) // one read of the field: a reload swaps the whole array
        {
            // Every key is compared, with no early exit: which one matched does not show either.
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }

    /// <summary>True when <paramref name="presented"/> is one of the keys.</summary>
    public bool Accepts(ReadOnlySpan<char> presented)
    {
        if (presented.Length == 0 || presented.Length > MaxKeyBytes)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        int length = Encoding.UTF8.GetBytes(presented, utf8);
        bool accepted = Accepts(utf8[..length]);
        CryptographicOperations.ZeroMemory(utf8);
        return accepted;
    }

    /// <summary>The key of an <c>Authorization: Bearer KEY</c> value (scheme case-insensitive), or empty.</summary>
    public static ReadOnlySpan<char> BearerToken(ReadOnlySpan<char> authorization)
    {
        const string Scheme = "Bearer ";
        return authorization.Length > Scheme.Length && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : [];
    }
}
