namespace Aot.Embeddings.Tokenization;

/// <summary>
/// Where the tokenizer puts each token. The tokenizer is generic over its sink (a struct), so each use — write ids,
/// keep the last N, count, collect with offsets — gets its own specialised code and no interface call or allocation.
/// </summary>
internal interface ITokenSink
{
    /// <summary>Takes one token; false stops tokenisation (nothing more is wanted).</summary>
    bool Add(int id, int start, int end);
}

/// <summary>Writes ids until the span is full; the first token that does not fit stops tokenisation.</summary>
internal ref struct RightTruncatingSink(Span<long> ids) : ITokenSink
{
    private readonly Span<long> _ids = ids;

    public int Count { get; private set; }

    public bool Overflowed { get; private set; }

    public bool Add(int id, int start, int end)
    {
        if (Count == _ids.Length)
        {
            Overflowed = true;
            return false;
        }

        _ids[Count++] = id;
        return true;
    }
}

/// <summary>
/// Keeps the last <c>ids.Length</c> tokens: writes into the span as a ring and rotates it into order at the end,
/// so keeping the end of a long text needs no second buffer and no second pass.
/// </summary>
internal ref struct LeftTruncatingSink(Span<long> ids) : ITokenSink
{
    private readonly Span<long> _ids = ids;

    public long Total { get; private set; }

    public bool Add(int id, int start, int end)
    {
        if (_ids.Length > 0)
            _ids[(int)(Total % _ids.Length)] = id;
        Total++;
        return true;
    }

    /// <summary>Puts the kept tokens in text order and returns how many there are.</summary>
    public readonly int Finish()
    {
        if (Total <= _ids.Length)
            return (int)Total;
        int oldest = (int)(Total % _ids.Length);
        // Rotate left by `oldest` with three reversals: in place, no scratch memory.
        _ids.Reverse();
        _ids[..(_ids.Length - oldest)].Reverse();
        _ids[(_ids.Length - oldest)..].Reverse();
        return _ids.Length;
    }
}

/// <summary>Counts tokens.</summary>
internal struct CountingSink : ITokenSink
{
    public int Count { get; private set; }

    public bool Add(int id, int start, int end)
    {
        Count++;
        return true;
    }
}

/// <summary>Collects tokens with their source offsets (for <c>/tokenize</c>; allocates).</summary>
internal readonly struct ListSink(List<Token> tokens) : ITokenSink
{
    public bool Add(int id, int start, int end)
    {
        tokens.Add(new Token(id, start, end, IsSpecial: false));
        return true;
    }
}
