namespace Aot.Embeddings.Tokenization;

/// <summary>
/// A WordPiece vocabulary (<c>vocab.txt</c>: one token per line, the id is the line number). Lookups take a span of
/// characters and allocate nothing. Word-initial pieces and continuation pieces (<c>##ing</c>) are kept in two
/// tables, the latter without its prefix, so a continuation is looked up straight from the word being split.
/// Immutable, so one instance is safely shared by every thread.
/// </summary>
public sealed class WordPieceVocabulary
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStarts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;

    private WordPieceVocabulary(string[] tokens, string continuingSubwordPrefix)
    {
        _tokens = tokens;
        var wordStarts = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(tokens.Length / 4, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++)
        {
            string token = tokens[id];
            // A repeated line keeps its last id, as Hugging Face's reader does.
            wordStarts[token] = id;
            if (token.Length > continuingSubwordPrefix.Length && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
            {
                string piece = token[continuingSubwordPrefix.Length..];
                continuations[piece] = id;
                LongestContinuation = Math.Max(LongestContinuation, piece.Length);
            }

            LongestWordStart = Math.Max(LongestWordStart, token.Length);
        }

        _wordStarts = wordStarts.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of tokens (ids are 0..Count-1).</summary>
    public int Count => _tokens.Length;

    /// <summary>Length in UTF-16 characters of the longest token; no longer piece can match.</summary>
    internal int LongestWordStart { get; }

    /// <summary>Length of the longest continuation piece, without its prefix.</summary>
    internal int LongestContinuation { get; }

    /// <summary>Reads a <c>vocab.txt</c> file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no tokens.</exception>
    public static WordPieceVocabulary Load(string path, string continuingSubwordPrefix = "##")
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Vocabulary file '{path}' does not exist.", path);
        using var reader = new StreamReader(path);
        return Load(reader, continuingSubwordPrefix, path);
    }

    /// <summary>Reads a vocabulary from text, one token per line (LF or CRLF).</summary>
    public static WordPieceVocabulary Load(TextReader reader, string continuingSubwordPrefix = "##", string sourceName = "<reader>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var tokens = new List<string>(32_000);
        // Like Hugging Face: every line is a token (trailing whitespace trimmed), so ids are line numbers.
        // The reference package skips blank lines instead, which shifts ids after one; vocabularies have none.
        while (reader.ReadLine() is { } line)
            tokens.Add(line.TrimEnd());
        if (tokens.Count == 0)
            throw new InvalidDataException($"Vocabulary '{sourceName}' is empty.");
        return new WordPieceVocabulary([.. tokens], continuingSubwordPrefix);
    }

    /// <summary>The id of a whole token (e.g. <c>[CLS]</c>, <c>hello</c>, <c>##ing</c>), or -1.</summary>
    public int GetId(ReadOnlySpan<char> token) => _wordStarts.TryGetValue(token, out int id) ? id : -1;

    /// <summary>The token with this id.</summary>
    public string GetToken(int id) => _tokens[id];

    internal int GetWordStartId(ReadOnlySpan<char> piece) => _wordStarts.TryGetValue(piece, out int id) ? id : -1;

    internal int GetContinuationId(ReadOnlySpan<char> pieceWithoutPrefix) => _continuations.TryGetValue(pieceWithoutPrefix, out int id) ? id : -1;
}
